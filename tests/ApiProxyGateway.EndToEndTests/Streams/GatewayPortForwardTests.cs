using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="PortForwardTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayPortForwardTests(SandboxFixture fixture) : PortForwardTests(fixture)
{
    protected override string ContextPrefix => "";
}
