using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="LogsTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectLogsTests(SandboxFixture fixture) : LogsTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
