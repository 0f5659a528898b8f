using System.Diagnostics;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Bench.Streams;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Bench.Idle;

/// <summary>
/// Quiet followed logs (HTTP/2, many streams per connection, as kubectl does) and idle port-forwards (one SPDY
/// connection each, one forwarded connection in echo mode) opened through the gateway in steps, all held open. The
/// gateway's VmRSS is read at every step; at the end every log stream must receive the quiet pod's next line and every
/// port-forward must echo a byte, which proves each is still open end to end.
/// </summary>
internal sealed class IdleStreams(Topology topology, TimeSpan quietInterval, TimeSpan settle) : IAsyncDisposable
{
    private const int OpenConcurrency = 32;
    private readonly Endpoint _gateway = topology.Kubelet(ArmNames.Gateway);
    private readonly List<(HttpResponseMessage Response, Task Reader)> _logs = [];
    private readonly List<(SpdySession Session, HttpMessageInvoker Invoker, PortForwardConnection Connection)> _forwards = [];
    private readonly CancellationTokenSource _stop = new();
    private long[] _received = [];
    private HttpClient? _logClient;

    private int GatewayPid => topology.Info.GatewayProcessId;

    public async Task<IdleRound> LogsAsync(IReadOnlyList<int> levels, Action<string> progress)
    {
        _logClient = Clients.Http(_gateway);
        _logClient.Timeout = Timeout.InfiniteTimeSpan;
        _received = new long[levels[^1]];
        // tailLines=1: the last line comes at once, so the stream is known to be open without waiting for the next one.
        var path = StreamPaths.Logs("quiet", "quiet", follow: true, tailLines: 1);
        var uri = _gateway.Resolve(path.Api, path.Kubelet);
        return await RampAsync("logs -f", levels, progress, async index =>
        {
            var response = await _logClient.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsStreamAsync(_stop.Token);
            lock (_logs)
            {
                _logs.Add((response, CountAsync(body, index)));
            }
        }, ProveLogsAsync);
    }

    public async Task<IdleRound> PortForwardsAsync(IReadOnlyList<int> levels, Action<string> progress) =>
        await RampAsync("port-forward", levels, progress, async _ =>
        {
            var (session, invoker, _) = await NativeStreams.UpgradeAsync(_gateway, StreamPaths.PortForward("blob"), [StreamProtocols.PortForwardV1], _stop.Token);
            var connection = await PortForwardConnection.OpenAsync(session, BenchScenario.SourcePort, 0, _stop.Token);
            await connection.Data.WriteAsync("E"u8.ToArray(), _stop.Token);
            lock (_forwards)
            {
                _forwards.Add((session, invoker, connection));
            }
        }, ProveForwardsAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (response, _) in _logs)
        {
            response.Dispose();
        }

        foreach (var (session, invoker, connection) in _forwards)
        {
            try
            {
                await connection.DisposeAsync();
                await session.DisposeAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SpdyProtocolException or OperationCanceledException)
            {
            }

            invoker.Dispose();
        }

        _logClient?.Dispose();
        _stop.Dispose();
    }

    private async Task<IdleRound> RampAsync(string kind, IReadOnlyList<int> levels, Action<string> progress, Func<int, Task> open, Func<Task<int>> prove)
    {
        await Task.Delay(settle);
        var points = new List<(int, long)> { (0, ProcStat.ResidentBytes(GatewayPid)) };
        int opened = 0, failed = 0;
        string? firstError = null;
        foreach (var level in levels)
        {
            var watch = Stopwatch.StartNew();
            var next = opened;
            await Task.WhenAll(Enumerable.Range(0, OpenConcurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next) - 1) < level)
                {
                    try
                    {
                        await open(index);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or SpdyProtocolException or OperationCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                        firstError ??= $"{e.GetType().Name}: {e.Message}";
                    }
                }
            })));
            opened = level;
            await Task.Delay(settle); // let the gateway settle (buffers, timers) before reading RSS
            var rss = ProcStat.ResidentBytes(GatewayPid);
            points.Add((level - failed, rss));
            progress($"{kind}: {level - failed} open ({failed} failed) in {watch.Elapsed.TotalSeconds:F1} s, gateway RSS {rss / 1048576.0:F0} MiB");
        }

        if (double.TryParse(Environment.GetEnvironmentVariable("BENCH_IDLE_HOLD_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var hold) && hold > 0)
        {
            // For profiling (bench/README.md): time to take a heap dump of the gateway with every stream held open.
            progress($"{kind}: holding {hold:F0} s for profiling (BENCH_IDLE_HOLD_SECONDS), gateway PID {GatewayPid}");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }

        var proved = await prove();
        progress($"{kind}: {proved} of {opened - failed} proved open");
        return new IdleRound { Kind = kind, Points = points, Opened = opened - failed, Failed = failed, ProvedOpen = proved, FirstError = firstError };
    }

    private async Task CountAsync(Stream body, int index)
    {
        var buffer = new byte[512];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, _stop.Token)) > 0)
            {
                Interlocked.Add(ref _received[index], read);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
        }
    }

    private async Task<int> ProveLogsAsync()
    {
        var count = _logs.Count;
        var before = _received.Select(v => Interlocked.Read(ref v)).ToArray();
        var deadline = DateTime.UtcNow + quietInterval * 2 + TimeSpan.FromSeconds(15);
        int proved;
        while (true)
        {
            proved = Enumerable.Range(0, before.Length).Count(i => Interlocked.Read(ref _received[i]) > before[i]);
            if (proved >= count || DateTime.UtcNow > deadline)
            {
                return proved;
            }

            await Task.Delay(500);
        }
    }

    private async Task<int> ProveForwardsAsync()
    {
        var proved = 0;
        using var gate = new SemaphoreSlim(256);
        await Task.WhenAll(_forwards.Select(async f =>
        {
            await gate.WaitAsync();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await f.Connection.Data.WriteAsync("!"u8.ToArray(), timeout.Token);
                var echo = new byte[1];
                if (await f.Connection.Data.ReadAsync(echo, timeout.Token) == 1 && echo[0] == (byte)'!')
                {
                    Interlocked.Increment(ref proved);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SpdyProtocolException)
            {
            }
            finally
            {
                gate.Release();
            }
        }));
        return proved;
    }
}
