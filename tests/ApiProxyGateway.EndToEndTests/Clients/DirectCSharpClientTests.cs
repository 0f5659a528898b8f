using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="CSharpClientTests"/> against the simulated API server itself, the reference behaviour.</summary>
public sealed class DirectCSharpClientTests(SandboxFixture fixture) : CSharpClientTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
