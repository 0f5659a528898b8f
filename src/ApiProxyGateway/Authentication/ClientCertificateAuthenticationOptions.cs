using Microsoft.AspNetCore.Authentication;

namespace ApiProxyGateway.Authentication;

/// <summary>Settings of the client-certificate scheme (section <c>Authentication</c>).</summary>
internal sealed class ClientCertificateAuthenticationOptions : AuthenticationSchemeOptions
{
    public const string SectionName = "Authentication";

    /// <summary>Most validation results kept (by SHA-256 thumbprint). Default 1024.</summary>
    public int CacheSize { get; set; } = 1024;

    /// <summary>A cached result unused for this long is dropped. Default 2 minutes.</summary>
    public TimeSpan CacheSlidingExpiration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A cached result is never used longer than this, nor past the certificate's NotAfter. Default 30 minutes.</summary>
    public TimeSpan CacheAbsoluteExpiration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Client certificates valid for longer than this (NotAfter − NotBefore) are refused
    /// (<c>--max-client-certificate-lifetime</c>). Default zero: no limit.
    /// </summary>
    public TimeSpan MaxClientCertificateLifetime { get; set; } = TimeSpan.Zero;
}
