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

    /// <summary>A CRL of its issuer lists it.</summary>
    Revoked,

    /// <summary>The client-certificate denylist lists it.</summary>
    Denylisted,

    /// <summary>Every CRL of its issuer is stale, and stale CRLs fail closed.</summary>
    StaleRevocationList,

    /// <summary>Its validity span is longer than the maximum client-certificate lifetime.</summary>
    LifetimeTooLong,
}
