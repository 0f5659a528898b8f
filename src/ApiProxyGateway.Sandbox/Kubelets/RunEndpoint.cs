using System.ComponentModel;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary><c>POST /run/NS/POD[/UID]/CONTAINER?cmd=…</c>: runs the command (split on spaces) and answers with its output.</summary>
internal sealed class RunEndpoint(KubeletContext kubelet)
{
    public async Task HandleAsync(HttpContext http, KubeletRoute route)
    {
        if (http.Request.Method != "POST")
        {
            await KubeletResponses.TextAsync(http, 405, "405: Method Not Allowed");
            return;
        }

        var command = (http.Request.Query["cmd"].ToString()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (command.Length == 0)
        {
            await KubeletResponses.TextAsync(http, 400, "you must specify at least one command for the container");
            return;
        }

        if (await PodRequests.FindContainerAsync(http, kubelet.Runtime, route) is not { } found)
        {
            return;
        }

        var context = found.Pod.Context;
        var spec = new ProcessSpec(CommandResolver.Resolve(command), context.ContainerDirectory(found.Container.Name), context.Environment(found.Container.Spec, tty: false)) { Network = context.Network };
        try
        {
            await using var process = HostProcess.Start(spec, kubelet.Registry);
            using var output = new MemoryStream();
            await Task.WhenAll(StreamPump.CopyAsync(process.Stdout, output, http.RequestAborted), StreamPump.CopyAsync(process.Stderr!, output, http.RequestAborted)); // ! piped processes always have stderr
            var exitCode = await process.Exited;
            http.Response.StatusCode = exitCode == 0 ? 200 : 500;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.Body.WriteAsync(output.ToArray(), http.RequestAborted);
        }
        catch (Win32Exception e)
        {
            await KubeletResponses.TextAsync(http, 500, $"failed to run in container: {e.Message}");
        }
    }
}
