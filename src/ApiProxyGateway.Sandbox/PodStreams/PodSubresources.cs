using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>Registers the simulated API server's pod subresources that reach kubelets: log, exec, attach, portforward.</summary>
internal static class PodSubresources
{
    public static void Register(ApiServerContext context, SandboxPki pki)
    {
        var kubelets = new KubeletClient(pki);
        var logs = new PodLogHandler(context.Store, kubelets);
        var streams = new PodStreamHandler(context.Store, context.Authorizer, kubelets);
        context.Subresources["pods/log"] = logs.HandleAsync;
        context.Subresources["pods/exec"] = streams.HandleAsync;
        context.Subresources["pods/attach"] = streams.HandleAsync;
        context.Subresources["pods/portforward"] = streams.HandleAsync;
    }
}
