using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;

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

    internal static TerminalKubectl Start(Kubectl kubectl, KubectlEnvironment environment, IReadOnlyList<string> arguments, TerminalSize size, ProcessRegistry registry)
    {
        var start = kubectl.StartInfo(environment, arguments);
        var env = start.Environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);
        env["TERM"] = "xterm";
        var spec = new ProcessSpec([kubectl.FilePath, .. arguments], Path.GetTempPath(), env) { Tty = true, Stdin = true, InitialSize = size };
        return new TerminalKubectl(HostProcess.Start(spec, registry));
    }

    public void Resize(TerminalSize size) => _process.Resize(size);

    public async Task TypeAsync(string text)
    {
        await _process.Stdin!.WriteAsync(Encoding.UTF8.GetBytes(text)); // ! started with Stdin = true
        await _process.Stdin.FlushAsync();
    }

    /// <summary>Waits until the terminal output satisfies <paramref name="condition"/>; on each wait turn, <paramref name="nudge"/> may act (e.g. press Enter).</summary>
    public async Task WaitForAsync(Func<string, bool> condition, TimeSpan timeout, Func<Task>? nudge = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition(_output.ToString()))
                {
                    return;
                }

                changed = _changed.Task;
            }

            if (nudge is not null)
            {
                await nudge();
            }

            try
            {
                await Task.WhenAny(changed, _reader).WaitAsync(nudge is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (TimeoutException)
            {
                // Nudge again: the terminal has been quiet for a while.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The terminal did not show what was expected within {timeout}. It shows:{Environment.NewLine}{Output}");
            }

            if (_reader.IsCompleted && !condition(Output))
            {
                throw new InvalidOperationException($"kubectl ended before the terminal showed what was expected. It shows:{Environment.NewLine}{Output}");
            }
        }
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
            catch (IOException)
            {
                read = 0;
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
