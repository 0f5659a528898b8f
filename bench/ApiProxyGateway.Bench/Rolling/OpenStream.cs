using System.Diagnostics;
using System.Text;

namespace ApiProxyGateway.Bench.Rolling;

/// <summary>
/// One long-lived kubectl command (a watch, <c>logs -f</c>, an exec, a port-forward) held open through a roll, and
/// how it ended: what it printed last and its exit code, classified as a user reads it.
/// </summary>
internal sealed class OpenStream : IDisposable
{
    /// <summary>What the gateway says when its drain ends a stream (its <c>StreamDrain.Message</c>).</summary>
    public const string GatewayReason = "the gateway is shutting down";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _pumps;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyWhen;

    public OpenStream(string kind, Process process, string readyWhen)
    {
        Kind = kind;
        _process = process;
        _readyWhen = readyWhen;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
    }

    /// <summary>watch, logs -f, exec or port-forward.</summary>
    public string Kind { get; }

    /// <summary>Completes once the command has printed what shows it is open.</summary>
    public Task Ready => _ready.Task;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// How it ended: "reason" when the gateway's reason was printed; "error" when kubectl reported a failure in its
    /// own words only (exit code not 0); "silent" when it exited 0 as if the stream had come to its natural end;
    /// "open" if it has not ended.
    /// </summary>
    public string Outcome
    {
        get
        {
            if (!_process.HasExited)
            {
                return "open";
            }

            lock (_output)
            {
                return _output.ToString().Contains(GatewayReason, StringComparison.Ordinal) ? "reason" : _process.ExitCode != 0 ? "error" : "silent";
            }
        }
    }

    /// <summary>The last lines it printed, for the report.</summary>
    public string LastWords
    {
        get
        {
            lock (_output)
            {
                return string.Join(" / ", _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(2)).Trim();
            }
        }
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _pumps;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (line.Contains(_readyWhen, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }

        _ready.TrySetResult(); // ended before it was open: its outcome says how
    }
}
