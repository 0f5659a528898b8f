namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>The limit and audit tests share one sandbox and run one after another (the limits count every stream).</summary>
[CollectionDefinition(Name)]
public sealed class SharedProductionSandbox : ICollectionFixture<ProductionSandboxFixture>
{
    public const string Name = "production sandbox";
}
