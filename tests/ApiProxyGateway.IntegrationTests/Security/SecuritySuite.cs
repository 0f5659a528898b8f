namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>The security regression tests share one sandbox; each test marks its own requests and looks only at those.</summary>
[CollectionDefinition(Name)]
public sealed class SecuritySuite : ICollectionFixture<SecuritySandboxFixture>
{
    public const string Name = "security suite";
}
