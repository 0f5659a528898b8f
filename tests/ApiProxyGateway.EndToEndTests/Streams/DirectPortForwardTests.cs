using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="PortForwardTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectPortForwardTests(SandboxFixture fixture) : PortForwardTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
