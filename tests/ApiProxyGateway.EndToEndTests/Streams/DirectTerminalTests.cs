using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="TerminalTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectTerminalTests(SandboxFixture fixture) : TerminalTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
