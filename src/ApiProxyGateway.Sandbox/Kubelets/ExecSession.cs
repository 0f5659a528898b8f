using System.ComponentModel;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>exec</c>: runs the argv as a new host process in the container's directory and environment (on a real
/// pseudo-terminal with <c>tty</c>), wires stdin, stdout, stderr and resizes to the client, and reports the exit code.
/// </summary>
internal static class ExecSession
{
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a TTY command waits for the client's first terminal size (kubectl sends it just after the streams
    /// open, within milliseconds on a quiet machine; a second was seen to be too short on a machine at load 100).
    /// A client that sends none starts this much later; later resizes apply whenever they come.
    /// </summary>
    private static readonly TimeSpan InitialSizeWait = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(RemoteCommandServer remote, RunningPod pod, ContainerSupervisor container, IReadOnlyList<string> command, ProcessRegistry registry, CancellationToken clientGone)
    {
        var options = remote.Options;
        if (container.Current is not { } running)
        {
            await remote.FailAsync($"container not running ({container.Name})", clientGone);
            return;
        }

        var env = pod.Context.Environment(container.Spec, options.Tty);
        var size = options.Tty ? await FirstSizeAsync(remote, clientGone) : null;
        var spec = new ProcessSpec(CommandResolver.Resolve(command), pod.Context.ContainerDirectory(container.Name), env) { Tty = options.Tty, Stdin = options.Stdin, InitialSize = size, Network = pod.Context.Network };
        HostProcess process;
        try
        {
            process = HostProcess.Start(spec, registry);
        }
        catch (Win32Exception)
        {
            await remote.FailAsync(
                $"failed to exec in container: failed to start exec \"{running.ContainerId}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{command[0]}\": executable file not found in $PATH: unknown",
                clientGone);
            return;
        }

        await using (process)
        {
            using var kill = clientGone.Register(() => _ = process.TerminateAsync(TimeSpan.Zero));
            var stdin = PumpStdinAsync(remote.Stdin, process, clientGone);
            var resizes = ResizeAsync(remote, process.Resize, clientGone);
            var outputs = Task.WhenAll(
                StreamPump.CopyAsync(process.Stdout, remote.Stdout ?? Stream.Null, clientGone),
                process.Stderr is { } stderr ? StreamPump.CopyAsync(stderr, remote.Stderr ?? Stream.Null, clientGone) : Task.CompletedTask);
            var exitCode = await process.Exited;
            try
            {
                await outputs.WaitAsync(OutputDrainLimit, clientGone);
            }
            catch (TimeoutException)
            {
                // A background child still holds the output open; the command itself is over.
            }

            await remote.CompleteAsync(exitCode, clientGone);
            _ = stdin;
            _ = resizes;
        }
    }

    /// <summary>The first resize event, if it comes soon: the command then starts on a terminal of the right size.</summary>
    private static async Task<TerminalSize?> FirstSizeAsync(RemoteCommandServer remote, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(InitialSizeWait);
        try
        {
            return await remote.Resizes.WaitToReadAsync(wait.Token) && remote.Resizes.TryRead(out var size) ? size : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static async Task ResizeAsync(RemoteCommandServer remote, Action<TerminalSize> resize, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var size in remote.Resizes.ReadAllAsync(cancellationToken))
            {
                resize(size);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static async Task PumpStdinAsync(Stream? from, HostProcess process, CancellationToken cancellationToken)
    {
        if (from is null || process.Stdin is not { } to)
        {
            return;
        }

        try
        {
            await StreamPump.CopyAsync(from, to, cancellationToken);
            if (!process.HasTty)
            {
                await to.DisposeAsync(); // end-of-file for the command, as the CRI does when the client closes stdin
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The command exited before reading all of stdin, or the client went away.
        }
    }
}
