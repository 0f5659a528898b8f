using ApiProxyGateway.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Architecture;

/// <summary>
/// The gateway's feature folders stay layered: no two features use each other, <c>Hosting</c> is the composition root
/// that nothing uses, and the leaves every feature uses (<c>Settings</c>, <c>Telemetry</c>) use nothing.
/// </summary>
public sealed class FeatureLayeringTests
{
    private static readonly Lazy<FeatureGraph> Gateway = new(() =>
        FeatureGraph.Read(typeof(GatewayHost).Assembly.Location, "ApiProxyGateway", Source("src", "ApiProxyGateway")));

    [Fact]
    public void Features_UseEachOtherOneWayOnly()
    {
        var twoWay = Gateway.Value.TwoWay();

        Assert.True(twoWay.Count == 0, $"features that use each other:{Environment.NewLine}{string.Join(Environment.NewLine, twoWay)}{Environment.NewLine}all uses:{Environment.NewLine}{Gateway.Value}");
    }

    [Fact]
    public void Hosting_IsUsedByNoOtherFeature()
    {
        var users = Gateway.Value.Edges.Where(edge => edge.Key.To == "Hosting").Select(edge => edge.Value).ToList();

        Assert.True(users.Count == 0, $"Hosting is the composition root, yet: {string.Join("; ", users)}");
    }

    [Theory]
    [InlineData("Settings")] // the flag table and the validator shape every feature's options use
    [InlineData("Telemetry")] // the meter and the event ids every feature uses
    public void Leaf_UsesNoOtherFeature(string leaf)
    {
        var uses = Gateway.Value.Edges.Where(edge => edge.Key.From == leaf).Select(edge => edge.Value).ToList();

        Assert.Contains(leaf, Gateway.Value.Features);
        Assert.True(uses.Count == 0, $"{leaf} is a leaf every feature may use, yet: {string.Join("; ", uses)}");
    }

    [Fact]
    public void FeatureGraph_SamplesWithHiddenUses_FindsEachUseAndTheTwoWayPair()
    {
        const string root = "ApiProxyGateway.UnitTests.Architecture.Samples";
        var samples = FeatureGraph.Read(typeof(FeatureLayeringTests).Assembly.Location, root, Source("tests", "ApiProxyGateway.UnitTests", "Architecture", "Samples"));

        Assert.Equal(["Alpha → Beta", "Beta → Gamma", "Gamma → Beta"], samples.Edges.Keys.Select(edge => $"{edge.From} → {edge.To}").Order(StringComparer.Ordinal));
        Assert.StartsWith("Beta ⇄ Gamma: ", Assert.Single(samples.TwoWay()), StringComparison.Ordinal);
    }

    /// <summary>A directory of this repository.</summary>
    private static string Source(params string[] path) => Path.Combine([SourceTree.Root, .. path]);
}
