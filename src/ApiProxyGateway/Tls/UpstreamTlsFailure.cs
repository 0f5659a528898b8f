namespace ApiProxyGateway.Tls;

/// <summary>Why an upstream's certificate was refused; the names are the metric and log labels.</summary>
internal enum UpstreamTlsFailure
{
    None,
    NoCertificate,
    UnknownAuthority,
    NameMismatch,
    WrongIdentity,
    Expired,
    NotYetValid,
    WrongUsage,
    InsecureCertificate,
    Invalid,
}
