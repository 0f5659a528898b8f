using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// One CRL, verified: signed by a CA of the client-CA bundle, whose exact subject and key it keeps, so that it
/// applies to that CA's certificates only, and to none once the CA has left the bundle.
/// </summary>
internal sealed record RevocationList(
    string File,
    string Issuer,
    ReadOnlyMemory<byte> IssuerName,
    ReadOnlyMemory<byte> IssuerKey,
    DateTimeOffset ThisUpdate,
    DateTimeOffset? NextUpdate,
    FrozenDictionary<string, DateTimeOffset> Revoked)
{
    /// <summary>Past its nextUpdate: the CA should have published a newer one by now.</summary>
    public bool IsStale(DateTimeOffset now) => NextUpdate is { } next && now > next;

    /// <summary>Whether this CRL speaks for <paramref name="issuer"/> (the CA that issued a certificate, from its chain).</summary>
    public bool AppliesTo(X509Certificate2 issuer) =>
        issuer.SubjectName.RawData.AsSpan().SequenceEqual(IssuerName.Span)
        && issuer.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(IssuerKey.Span);
}
