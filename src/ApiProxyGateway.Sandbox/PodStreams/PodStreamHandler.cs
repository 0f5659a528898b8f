using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// <c>pods/exec</c>, <c>pods/attach</c> and <c>pods/portforward</c> as kube-apiserver 1.35 serves them. A request that is
/// not already <c>create</c> (a WebSocket GET) must also be allowed to <c>create</c>. Then: a WebSocket v5 exec/attach
/// or a WebSocket port-forward tunnel goes through unchanged to a kubelet that declares ExtendWebSocketsToKubelet and
/// is translated (v5 → SPDY) or tunnelled (WebSocket → SPDY) for the others; everything else (SPDY, legacy WebSockets)
/// is passed through.
/// </summary>
internal sealed class PodStreamHandler(ResourceStore store, RbacAuthorizer authorizer, KubeletClient kubelets)
{
    public async Task HandleAsync(HttpContext http, SubresourceRequest request)
    {
        var method = http.Request.Method;
        if (method is not ("GET" or "POST"))
        {
            await ApiResponses.MethodNotAllowedAsync(http);
            return;
        }

        var attributes = new AuthorizationAttributes
        {
            User = request.User,
            Verb = "create",
            IsResourceRequest = true,
            Namespace = request.Namespace,
            ApiVersion = "v1",
            Resource = "pods",
            Subresource = request.Subresource,
            Name = request.Name,
        };
        if (method == "GET" && authorizer.Authorize(attributes) is { Allowed: false } decision)
        {
            await ApiResponses.ForbiddenAsync(http, attributes, decision.Reason);
            return;
        }

        var portForward = request.Subresource == "portforward";
        var options = RemoteCommandOptions.FromQuery(http.Request.Query.SelectMany(q => q.Value.Select(value => KeyValuePair.Create(q.Key, value))));
        if (!portForward && !options.Stdin && !options.Stdout && !options.Stderr)
        {
            await ApiResponses.BadRequestAsync(http, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }

        if (await PodTarget.ResolveAsync(http, store, request, needsContainer: !portForward) is not { } target)
        {
            return;
        }

        var uri = target.KubeletUri(KubeletPath(target, request.Subresource, http.Request.Query, options));
        var protocols = UpgradeRequest.IsWebSocket(http.Request) ? UpgradeRequest.WebSocketProtocols(http.Request) : [];
        var v5 = !portForward && protocols.Contains(StreamProtocols.RemoteCommandV5);
        var tunnel = portForward && protocols.Any(p => p.StartsWith(StreamProtocols.SpdyTunnelPrefix, StringComparison.Ordinal) && p.EndsWith(".k8s.io", StringComparison.Ordinal));
        if ((v5 || tunnel) && !target.WebSocketsExtended)
        {
            await (v5
                ? RemoteCommandTranslation.RunAsync(http, kubelets.Invoker, uri, target.Kubelet, options)
                : PortForwardTunnel.RunAsync(http, kubelets.Invoker, uri, target.Kubelet));
            return;
        }

        await UpgradePassThrough.RunAsync(http, kubelets.Invoker, uri, target.Kubelet);
    }

    /// <summary>The kubelet URL kube-apiserver builds: stdin/stdout/stderr/tty become input/output/error/tty=1, ports one port=.</summary>
    private static string KubeletPath(PodTarget target, string subresource, IQueryCollection query, RemoteCommandOptions options)
    {
        if (subresource == "portforward")
        {
            var ports = string.Join(',', query["ports"].SelectMany(p => (p ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            return $"/portForward/{target.PodPath}" + (ports.Length > 0 ? $"?port={Uri.EscapeDataString(ports)}" : "");
        }

        var parts = new List<string>();
        if (options.Stdin)
        {
            parts.Add("input=1");
        }

        if (options.Stdout)
        {
            parts.Add("output=1");
        }

        if (options.Stderr)
        {
            parts.Add("error=1");
        }

        if (options.Tty)
        {
            parts.Add("tty=1");
        }

        if (subresource == "exec")
        {
            parts.AddRange(query["command"].Select(c => "command=" + Uri.EscapeDataString(c ?? "")));
        }

        return $"/{subresource}/{target.PodPath}/{PodTarget.Escaped(target.Container)}?{string.Join('&', parts)}";
    }
}
