using System.Diagnostics;
using System.Globalization;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Measure;

namespace ApiProxyGateway.Bench.Reauthorization;

/// <summary>
/// Reads the gateway's <c>/metrics</c> (its operations listener) and /proc every <see cref="Period"/>: the
/// SubjectAccessReview count (<c>apiproxygateway_subjectaccessreview_duration_seconds_count</c>), the re-authorization
/// rounds (<c>apiproxygateway_sessions_reauthorization_duration_seconds</c>) and CPU time, as <see cref="ReauthorizationPoint"/>s.
/// </summary>
internal sealed class ReauthorizationWatch(SandboxInfo info) : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private const string Reviews = "apiproxygateway_subjectaccessreview_duration_seconds_count";
    private const string Rounds = "apiproxygateway_sessions_reauthorization_duration_seconds_count";
    private const string RoundSeconds = "apiproxygateway_sessions_reauthorization_duration_seconds_sum";

    private readonly HttpClient _operations = new() { BaseAddress = new Uri($"http://{info.GatewayAddress}:8081"), Timeout = TimeSpan.FromSeconds(30) };
    private readonly long _started = Stopwatch.GetTimestamp();

    public List<ReauthorizationPoint> Points { get; } = [];

    public async Task<ReauthorizationPoint> ReadAsync()
    {
        var text = await _operations.GetStringAsync("/metrics");
        var point = new ReauthorizationPoint(
            Stopwatch.GetElapsedTime(_started).TotalSeconds,
            Sum(text, Reviews),
            Sum(text, Rounds),
            Sum(text, RoundSeconds),
            ProcStat.CpuSeconds(info.GatewayProcessId),
            ProcStat.CpuSeconds(info.SandboxProcessId));
        Points.Add(point);
        return point;
    }

    /// <summary>Reads every <see cref="Period"/> until <paramref name="done"/> holds for a reading, or <paramref name="timeout"/> passes (then false).</summary>
    public async Task<bool> UntilAsync(Func<ReauthorizationPoint, bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        using var timer = new PeriodicTimer(Period);
        while (!done(await ReadAsync()))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await timer.WaitForNextTickAsync();
        }

        return true;
    }

    public void Dispose() => _operations.Dispose();

    /// <summary>The sum of a series' values over its label sets (0 when it is not exported yet).</summary>
    private static double Sum(string text, string series) =>
        text.Split('\n')
            .Where(line => line.StartsWith(series, StringComparison.Ordinal) && line.Length > series.Length && line[series.Length] is '{' or ' ')
            .Sum(line => double.Parse(line[(line[series.Length] == '{' ? line.IndexOf('}', series.Length) + 1 : series.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)); // name{labels} value [timestamp]
}
