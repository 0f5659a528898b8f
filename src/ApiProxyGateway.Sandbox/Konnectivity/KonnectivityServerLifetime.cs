namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>What every stream of one run of the server shares: its id, and the signal that the server is going away.</summary>
internal sealed record KonnectivityServerLifetime(string ServerId, CancellationToken Stopping);
