using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="JavaScriptClientTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayJavaScriptClientTests(SandboxFixture fixture) : JavaScriptClientTests(fixture)
{
    protected override string ContextPrefix => "";
}
