using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="JavaScriptClientTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectJavaScriptClientTests(SandboxFixture fixture) : JavaScriptClientTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
