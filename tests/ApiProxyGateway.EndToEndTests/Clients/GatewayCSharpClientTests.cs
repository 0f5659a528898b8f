using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="CSharpClientTests"/> through the gateway.</summary>
public sealed class GatewayCSharpClientTests(SandboxFixture fixture) : CSharpClientTests(fixture)
{
    protected override string ContextPrefix => "";
}
