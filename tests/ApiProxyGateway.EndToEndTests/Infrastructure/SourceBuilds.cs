namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// The tests that run <c>dotnet</c> in the checkout (the Dockerfile's restore and publish, the README's <c>dotnet run</c>)
/// run one at a time: two restores or builds of one project at once could both write its <c>obj</c> folder.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SourceBuilds
{
    public const string Name = "dotnet in the checkout";
}
