namespace ApiProxyGateway.Egress;

/// <summary>Why a dial through a Konnectivity server failed.</summary>
internal enum EgressFailure
{
    /// <summary>The Konnectivity server could not be reached, or went away before it answered the dial.</summary>
    Unavailable,

    /// <summary>
    /// The Konnectivity server answered that no connected agent serves the destination: the node's agent is down or
    /// not yet connected. The cluster is degraded, not the request wrong: 503, as for an unreachable server.
    /// </summary>
    NoAgent,

    /// <summary>The node's agent did not answer the server within the server's backend dial timeout.</summary>
    TimedOut,

    /// <summary>The Konnectivity server answered, but it (or the node's agent) could not dial the target.</summary>
    Refused,
}
