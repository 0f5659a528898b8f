namespace ApiProxyGateway.UnitTests.Architecture.Samples.Beta;

internal sealed record BetaRecord(int Value);
