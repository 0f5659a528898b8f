namespace ApiProxyGateway.UnitTests.Architecture.Samples.Gamma;

/// <summary>Uses Beta only as a generic argument of a property's type, which closes a two-way use Beta ⇄ Gamma.</summary>
internal sealed class GammaIds
{
    public const int First = 1;

    public List<Beta.BetaRecord> Seen { get; } = [];
}
