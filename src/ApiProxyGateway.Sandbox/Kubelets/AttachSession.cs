using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>attach</c>: joins the container's running main process: its output from now on, its stdin (when the container
/// has <c>stdin: true</c>; closed for good after the first attach if <c>stdinOnce</c>), and its terminal size (with
/// <c>tty: true</c>). Ends when the process exits or the client leaves.
/// </summary>
internal static class AttachSession
{
    public static async Task RunAsync(RemoteCommandServer remote, ContainerSupervisor container, CancellationToken clientGone)
    {
        if (container.Current is not { } instance)
        {
            await remote.FailAsync($"container {container.Name} is not running", clientGone);
            return;
        }

        var output = instance.Fanout.Subscribe();
        try
        {
            var stdin = PumpStdinAsync(remote.Stdin, instance, container.Spec.StdinOnce == true, clientGone);
            var resizes = ExecSession.ResizeAsync(remote, instance.Resize, clientGone);
            await foreach (var (stream, data) in output.ReadAllAsync(clientGone))
            {
                var target = stream == LogLine.Stderr ? remote.Stderr ?? remote.Stdout : remote.Stdout;
                if (target is not null)
                {
                    await target.WriteAsync(data, clientGone);
                    await target.FlushAsync(clientGone);
                }
            }

            await remote.CompleteAsync(0, clientGone);
            _ = stdin;
            _ = resizes;
        }
        finally
        {
            instance.Fanout.Unsubscribe(output);
        }
    }

    private static async Task PumpStdinAsync(Stream? from, ContainerInstance instance, bool stdinOnce, CancellationToken cancellationToken)
    {
        if (from is null || !instance.HasStdin)
        {
            return;
        }

        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await instance.WriteStdinAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        if (stdinOnce)
        {
            await instance.CloseStdinAsync();
        }
    }
}
