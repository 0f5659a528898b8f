using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="AttachCopyTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayAttachCopyTests(SandboxFixture fixture) : AttachCopyTests(fixture)
{
    protected override string ContextPrefix => "";
}
