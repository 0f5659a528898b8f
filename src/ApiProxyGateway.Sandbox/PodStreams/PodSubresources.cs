using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// Registers the simulated API server's pod subresources that reach kubelets: log, exec, attach, portforward. Kubelets
/// are dialled directly, or through the egress dialer given (a konnectivity tunnel with <c>--egress</c>).
/// </summary>
internal static class PodSubresources
{
    public static void Register(ApiServerContext context, SandboxPki pki, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? egress = null)
    {
        var kubelets = new KubeletClient(pki, egress);
        var logs = new PodLogHandler(context.Store, kubelets);
        var streams = new PodStreamHandler(context.Store, context.Authorizer, kubelets);
        context.Subresources["pods/log"] = logs.HandleAsync;
        context.Subresources["pods/exec"] = streams.HandleAsync;
        context.Subresources["pods/attach"] = streams.HandleAsync;
        context.Subresources["pods/portforward"] = streams.HandleAsync;
    }
}
