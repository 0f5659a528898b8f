using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="LogsTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayLogsTests(SandboxFixture fixture) : LogsTests(fixture)
{
    protected override string ContextPrefix => "";
}
