using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="ExecTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectExecTests(SandboxFixture fixture) : ExecTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
