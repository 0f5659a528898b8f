namespace ApiProxyGateway.Upstreams;

/// <summary>Why a connection to an upstream could not be made; the names are the metric and log labels.</summary>
internal enum UpstreamFailure
{
    Refused,
    Timeout,
    Unreachable,
    TlsVerification,
    TlsHandshake,

    /// <summary>The egress (a Konnectivity server) could not be reached, or went away before it answered.</summary>
    EgressUnavailable,

    /// <summary>The egress answered, but it (or the node's Konnectivity agent) could not dial the target.</summary>
    EgressRefused,
}
