namespace ApiProxyGateway.Egress;

/// <summary>Why a dial through a Konnectivity server failed.</summary>
internal enum EgressFailure
{
    /// <summary>The Konnectivity server could not be reached, or went away before it answered the dial.</summary>
    Unavailable,

    /// <summary>The Konnectivity server answered, but it (or the node's agent) could not dial the target.</summary>
    Refused,
}
