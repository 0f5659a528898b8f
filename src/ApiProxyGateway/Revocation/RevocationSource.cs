namespace ApiProxyGateway.Revocation;

/// <summary>What refused a certificate as revoked, if anything.</summary>
internal enum RevocationSource
{
    None,

    /// <summary>A CRL of its issuer lists it.</summary>
    Crl,

    /// <summary>Every CRL of its issuer is past its nextUpdate, and stale CRLs fail closed.</summary>
    StaleCrl,

    /// <summary>The denylist lists it.</summary>
    Denylist,
}
