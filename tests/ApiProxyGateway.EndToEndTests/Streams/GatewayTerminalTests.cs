using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="TerminalTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayTerminalTests(SandboxFixture fixture) : TerminalTests(fixture)
{
    protected override string ContextPrefix => "";
}
