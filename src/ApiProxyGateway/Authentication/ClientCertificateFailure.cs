namespace ApiProxyGateway.Authentication;

/// <summary>Why a client certificate was not accepted; the names are the metric and log labels.</summary>
internal enum ClientCertificateFailure
{
    None,
    NoCertificate,
    UnknownAuthority,
    Expired,
    NotYetValid,
    MissingClientAuthUsage,
    InsecureCertificate,
    EmptyCommonName,
    UnreadableSubject,
    UnforwardableSubject,
    Invalid,
}
