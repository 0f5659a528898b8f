using System.Diagnostics;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// A started host process standing in for a container process: piped stdio, or a real pseudo-terminal that becomes
/// its controlling terminal (started as <c>sh -c 'exec setsid --wait --ctty "$@" &lt;TTY &gt;TTY 2&gt;&amp;1'</c>).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private const string TtyLauncher = "exec setsid --wait --ctty \"$@\" <\"$0\" >\"$0\" 2>&1";

    private readonly Process _process;
    private readonly PseudoTerminal? _terminal;
    private readonly ProcessRegistry _registry;

    private HostProcess(Process process, PseudoTerminal? terminal, ProcessRegistry registry, bool stdin)
    {
        _process = process;
        _terminal = terminal;
        _registry = registry;
        if (terminal is not null)
        {
            Stdin = stdin ? terminal.Input : null;
            Stdout = terminal.Output;
        }
        else
        {
            Stdin = stdin ? process.StandardInput.BaseStream : null;
            Stdout = process.StandardOutput.BaseStream;
            Stderr = process.StandardError.BaseStream;
            if (!stdin)
            {
                process.StandardInput.Close();
            }
        }

        Exited = WaitAsync();
    }

    public int Id => _process.Id;

    public bool HasTty => _terminal is not null;

    /// <summary>Null when stdin was not asked for (the process saw end-of-file).</summary>
    public Stream? Stdin { get; }

    /// <summary>With a TTY: everything the process writes. Ends after the process has exited.</summary>
    public Stream Stdout { get; }

    /// <summary>Null with a TTY (merged into <see cref="Stdout"/>).</summary>
    public Stream? Stderr { get; }

    /// <summary>Completes with the exit code (128 + signal when killed by one).</summary>
    public Task<int> Exited { get; }

    /// <summary>Starts the process; <see cref="System.ComponentModel.Win32Exception"/> when the command cannot be run.</summary>
    public static HostProcess Start(ProcessSpec spec, ProcessRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var terminal = spec.Tty ? PseudoTerminal.Open(spec.InitialSize) : null;
        try
        {
            var start = new ProcessStartInfo(terminal is null ? spec.Command[0] : "/bin/sh")
            {
                UseShellExecute = false,
                WorkingDirectory = spec.WorkingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (terminal is not null)
            {
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(TtyLauncher);
                start.ArgumentList.Add(terminal.SlaveName);
                start.ArgumentList.Add(spec.Command[0]);
            }

            foreach (var argument in spec.Command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            foreach (var (name, value) in spec.Environment)
            {
                start.Environment[name] = value;
            }

            var process = spec.Network.Run(() => Process.Start(start)) ?? throw new InvalidOperationException($"Could not start {spec.Command[0]}.");
            registry.Add(process);
            if (terminal is not null)
            {
                // The launcher's own pipes carry nothing: its stdio is the terminal from the first instruction on.
                process.StandardInput.Close();
            }

            return new HostProcess(process, terminal, registry, spec.Stdin);
        }
        catch
        {
            terminal?.Dispose();
            throw;
        }
    }

    public void Resize(TerminalSize size) => _terminal?.Resize(size);

    /// <summary>SIGTERM, then after <paramref name="grace"/> a kill of the whole process tree.</summary>
    public async Task TerminateAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        Native.Signal(_process.Id, Native.SigTerm);
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Kill();
            await Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Exited;
        _terminal?.Dispose();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None);
        _registry.Remove(_process);
        _terminal?.ReleaseSlave();
        return _process.ExitCode;
    }
}
