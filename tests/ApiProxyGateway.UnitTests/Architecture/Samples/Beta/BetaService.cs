namespace ApiProxyGateway.UnitTests.Architecture.Samples.Beta;

/// <summary>Uses Gamma only through a constant, which the compiler copies in.</summary>
internal static class BetaService
{
    public static int Answer() => Gamma.GammaIds.First;
}
