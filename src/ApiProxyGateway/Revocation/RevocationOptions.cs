namespace ApiProxyGateway.Revocation;

/// <summary>Revoked client certificates: CRLs and a denylist (section <c>Revocation</c>), checked on every validation.</summary>
internal sealed record RevocationOptions
{
    public const string SectionName = "Revocation";

    public const string CrlFilesSetting = "Revocation:CrlFiles";

    public const string DenylistFileSetting = "Revocation:DenylistFile";

    /// <summary>
    /// CRL files, PEM (one or more CRLs) or DER (<c>--client-crl-file</c>, repeatable and comma-separated). Each CRL
    /// must be signed by a CA of the client-CA bundle and applies to the certificates that CA issued. Default: none.
    /// </summary>
    public IReadOnlyList<string> CrlFiles { get; init; } = [];

    /// <summary>
    /// Refuse the certificates of an issuer whose every CRL is past its nextUpdate, instead of only reporting the
    /// stale CRL. Default false: a stale CRL still applies, and is reported by metric and log.
    /// </summary>
    public bool FailClosedOnStaleCrl { get; init; }

    /// <summary>
    /// Certificates refused by SHA-256 thumbprint or issuer and serial, one a line, for CAs that publish no CRL
    /// (<c>--client-certificate-denylist-file</c>). Default: none.
    /// </summary>
    public string DenylistFile { get; init; } = "";
}
