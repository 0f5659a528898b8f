using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="ExecTests"/> through the gateway, which reaches the kubelets itself with verified TLS.</summary>
public sealed class GatewayExecTests(SandboxFixture fixture) : ExecTests(fixture)
{
    protected override string ContextPrefix => "";
}
