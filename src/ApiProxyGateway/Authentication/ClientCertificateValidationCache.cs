using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// A bounded cache of validation results keyed by (trust generation, revocation generation, SHA-256 thumbprint). An entry is never
/// returned past the certificate's NotAfter or the absolute limit, both checked against the injected clock.
/// </summary>
internal sealed class ClientCertificateValidationCache : IDisposable
{
    /// <summary>
    /// Each certificate object's SHA-256 thumbprint, hashed once: a connection presents the same object on every
    /// request, and hashing it (and formatting the key) per request was most of a cached authentication's cost.
    /// Keyed by reference, so an entry goes with its certificate.
    /// </summary>
    private static readonly ConditionalWeakTable<X509Certificate2, string> Thumbprints = new();

    private readonly MemoryCache _cache;
    private readonly ClientCertificateAuthenticationOptions _options;

    public ClientCertificateValidationCache(IOptionsMonitor<ClientCertificateAuthenticationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Get(ClientCertificateAuthenticationDefaults.AuthenticationScheme);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, _options.CacheSize) });
    }

    public ClientCertificateValidation? TryGet(Generations generation, X509Certificate2 certificate, DateTimeOffset now)
    {
        if (!_cache.TryGetValue(Key(generation, certificate), out Entry? entry) || entry is null)
        {
            return null;
        }

        return now < entry.Deadline ? entry.Result : null;
    }

    public void Set(Generations generation, X509Certificate2 certificate, ClientCertificateValidation result, DateTimeOffset now)
    {
        var deadline = Min(result.ValidUntil, now + _options.CacheAbsoluteExpiration);
        if (deadline <= now)
        {
            return;
        }

        _cache.Set(Key(generation, certificate), new Entry(result, deadline), new MemoryCacheEntryOptions
        {
            Size = 1,
            SlidingExpiration = _options.CacheSlidingExpiration,
            AbsoluteExpirationRelativeToNow = deadline - now,
        });
    }

    public void Dispose() => _cache.Dispose();

    private static CacheKey Key(Generations generation, X509Certificate2 certificate) =>
        new(generation, Thumbprints.GetValue(certificate, static certificate => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256))));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The versions of the material a result was decided with: the client-CA bundle and the revocation material.</summary>
    public readonly record struct Generations(long Trust, long Revocation);

    private sealed record CacheKey(Generations Generation, string Thumbprint);

    private sealed record Entry(ClientCertificateValidation Result, DateTimeOffset Deadline);
}
