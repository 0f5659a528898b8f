namespace ApiProxyGateway.UnitTests.Architecture.Samples.Alpha;

/// <summary>Uses Beta only by a fully qualified static call inside a lambda: no using line, no signature.</summary>
internal static class AlphaUser
{
    public static Func<int> Answer() => () => Samples.Beta.BetaService.Answer();
}
