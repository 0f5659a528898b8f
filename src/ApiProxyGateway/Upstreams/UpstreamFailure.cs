namespace ApiProxyGateway.Upstreams;

/// <summary>Why a connection to an upstream could not be made; the names are the metric and log labels.</summary>
internal enum UpstreamFailure
{
    Refused,
    Timeout,
    Unreachable,
    TlsVerification,
    TlsHandshake,
}
