using System.Diagnostics;
using System.Text;

namespace ApiProxyGateway.Tests.Support;

/// <summary>A running kubectl (or another command: a client script, the README's sandbox) whose output lines can be awaited; disposing kills its process tree.</summary>
public sealed class KubectlProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _pumps;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private KubectlProcess(Process process, string command)
    {
        _process = process;
        Command = command;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, isError: false), PumpAsync(process.StandardError, isError: true));
    }

    public string Command { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="WaitForExitAsync"/> returned true.</summary>
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; fails with all output on timeout or when the output ends without it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        string? found = null;
        await TestWait.UntilAsync(
            () =>
            {
                var ended = _pumps.IsCompleted; // read before the lines, so that a last line printed meanwhile is still seen
                lock (_lock)
                {
                    found = _lines.FirstOrDefault(match);
                }

                if (found is null && ended)
                {
                    throw new InvalidOperationException($"{Command} closed its output before printing the expected line.{Environment.NewLine}{this}");
                }

                return found is not null;
            },
            () =>
            {
                lock (_lock)
                {
                    return Task.WhenAny(_changed.Task, _pumps);
                }
            },
            $"{Command} prints the expected line",
            timeout,
            cancellationToken,
            ToString);
        return found!; // the wait ends only once a line matched
    }

    /// <summary>Waits for the process to exit and its output to be read: false (still running) after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
            await _pumps.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Writes a line to kubectl's stdin (kept open).</summary>
    public async Task TypeLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>True when the process is still running after <paramref name="period"/> (it must not exit on its own).</summary>
    public async Task<bool> StaysRunningForAsync(TimeSpan period, CancellationToken cancellationToken = default) =>
        !await TestWait.CompletesWithinAsync(_process.WaitForExitAsync(cancellationToken), period, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        await _pumps;
        _process.Dispose();
    }

    public override string ToString() => $"stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";

    internal static KubectlProcess Start(ProcessStartInfo start, string command)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        return new KubectlProcess(process, command);
    }

    private async Task PumpAsync(StreamReader reader, bool isError)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_lock)
            {
                if (isError)
                {
                    _stderr.AppendLine(line);
                }
                else
                {
                    _lines.Add(line);
                }

                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

    }
}
