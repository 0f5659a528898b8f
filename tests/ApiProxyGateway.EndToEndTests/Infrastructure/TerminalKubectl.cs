using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// kubectl on a real pseudo-terminal of its own (its controlling terminal, with a size we set and change), the way a
/// person runs <c>kubectl exec -it</c>. Built on the sandbox's PTY support; disposing kills it.
/// </summary>
public sealed class TerminalKubectl : IAsyncDisposable
{
    private readonly HostProcess _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TerminalKubectl(HostProcess process)
    {
        _process = process;
        _reader = ReadAsync();
    }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public Task<int> Exited => _process.Exited;

    internal static TerminalKubectl Start(Kubectl kubectl, KubectlEnvironment environment, IReadOnlyList<string> arguments, TerminalSize size, ProcessRegistry registry) =>
        Start(kubectl.StartInfo(environment, arguments), size, registry);

    /// <summary>Runs what <paramref name="start"/> describes (file, arguments, directory, environment) on a terminal of its own.</summary>
    internal static TerminalKubectl Start(System.Diagnostics.ProcessStartInfo start, TerminalSize size, ProcessRegistry registry)
    {
        var env = start.Environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);
        env["TERM"] = "xterm";
        var directory = start.WorkingDirectory.Length > 0 ? start.WorkingDirectory : Path.GetTempPath();
        var spec = new ProcessSpec([start.FileName, .. start.ArgumentList], directory, env) { Tty = true, Stdin = true, InitialSize = size };
        return new TerminalKubectl(HostProcess.Start(spec, registry));
    }

    public void Resize(TerminalSize size) => _process.Resize(size);

    public async Task TypeAsync(string text)
    {
        await _process.Stdin!.WriteAsync(Encoding.UTF8.GetBytes(text)); // ! started with Stdin = true
        await _process.Stdin.FlushAsync();
    }

    /// <summary>Waits until the terminal output satisfies <paramref name="condition"/>; while it is quiet, <paramref name="nudge"/> may act (e.g. press Enter) every half second.</summary>
    public Task WaitForAsync(Func<string, bool> condition, TimeSpan timeout, Func<Task>? nudge = null) =>
        TestWait.UntilAsync(
            () =>
            {
                var ended = _reader.IsCompleted; // read before the output, so that what kubectl printed last is still seen
                if (condition(Output))
                {
                    return true;
                }

                if (ended)
                {
                    throw new InvalidOperationException($"kubectl ended before the terminal showed what was expected. It shows:{Environment.NewLine}{Output}");
                }

                return false;
            },
            () =>
            {
                Task changed;
                lock (_lock)
                {
                    changed = Task.WhenAny(_changed.Task, _reader);
                }

                return nudge is null ? changed : NudgeWhileQuietAsync(changed, nudge);
            },
            "the terminal shows what was expected",
            timeout,
            TestContext.Current.CancellationToken,
            () => $"It shows:{Environment.NewLine}{Output}");

    private static async Task NudgeWhileQuietAsync(Task changed, Func<Task> nudge)
    {
        await nudge();
        await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(500))); // quiet for half a second: the next turn nudges again
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _reader;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await _process.Stdout.ReadAsync(buffer);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                read = 0; // the terminal is gone: closed by kubectl, or by DisposeAsync while a read was pending
            }

            lock (_lock)
            {
                if (read > 0)
                {
                    _output.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }

                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (read == 0)
            {
                return;
            }
        }
    }
}
