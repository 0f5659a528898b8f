using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>Issues the sandbox's ECDSA P-256 certificates (P-256 keeps start-up fast; RSA key generation is not).</summary>
internal sealed class CertificateIssuer(TimeProvider timeProvider)
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    // Back-dated so that a clock a little behind ours (or a Go client's) never sees a not-yet-valid certificate.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(90);
    private static readonly TimeSpan CrlLifetime = TimeSpan.FromDays(7);

    public IssuedCredential CreateAuthority(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = timeProvider.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now - Backdate, now + CaLifetime);
        return Export(certificate, key);
    }

    public IssuedCredential IssueServer(IssuedCredential authority, string commonName, IEnumerable<IPAddress> ipAddresses, IEnumerable<string> dnsNames)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var ip in ipAddresses)
        {
            san.AddIpAddress(ip);
        }

        return Issue(authority, new X500DistinguishedName($"CN={commonName}"), ServerAuth, san.Build(critical: false));
    }

    public IssuedCredential IssueClient(IssuedCredential authority, string commonName, IEnumerable<string> organizations) =>
        IssueClient(authority, SubjectNames.ForUser(commonName, organizations));

    /// <summary>A client certificate with exactly this subject (RDNs in encoding order), odd subjects included.</summary>
    public IssuedCredential IssueClient(IssuedCredential authority, IEnumerable<IReadOnlyList<SubjectPart>> subject) =>
        Issue(authority, SubjectNames.Encode(subject), ClientAuth, san: null);

    /// <summary>
    /// A serving certificate with any subject, SANs and validity; signed by <paramref name="authority"/>, or self-signed
    /// when it is null. The simulated kubelets and workloads use it for their healthy and their broken certificates.
    /// </summary>
    public IssuedCredential IssueServing(
        IssuedCredential? authority, X500DistinguishedName subject, IEnumerable<IPAddress> ipAddresses, IEnumerable<string> dnsNames, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var ip in ipAddresses)
        {
            san.AddIpAddress(ip);
        }

        return Issue(authority, subject, ServerAuth, san.Build(critical: false), notBefore, notAfter);
    }

    private IssuedCredential Issue(IssuedCredential? authority, X500DistinguishedName subject, Oid usage, X509Extension? san, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (authority is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Certificate, true, false));
        }

        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var now = timeProvider.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial, as RFC 5280 requires
        var end = notAfter ?? now + LeafLifetime;
        if (authority is not null && end > authority.Certificate.NotAfter)
        {
            end = authority.Certificate.NotAfter;
        }

        using var issued = authority is null
            ? request.CreateSelfSigned(notBefore ?? now - Backdate, end)
            : request.Create(authority.Certificate, notBefore ?? now - Backdate, end, serial);
        return Export(issued, key);
    }

    /// <summary>
    /// A CRL of <paramref name="authority"/> that revokes nothing, in PEM, valid for a week as <c>openssl ca</c>'s
    /// <c>default_crl_days</c> in the sandbox's openssl configuration: the gateway's <c>--client-crl-file</c> at start.
    /// </summary>
    public string CreateEmptyCrl(IssuedCredential authority)
    {
        var now = timeProvider.GetUtcNow();
        var crl = new CertificateRevocationListBuilder().Build(authority.Certificate, BigInteger.One, now + CrlLifetime, HashAlgorithmName.SHA256, thisUpdate: now);
        return PemEncoding.WriteString("X509 CRL", crl) + "\n";
    }

    private static IssuedCredential Export(X509Certificate2 certificate, ECDsa key)
    {
        var certificatePem = certificate.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        return new IssuedCredential(X509Certificate2.CreateFromPem(certificatePem, keyPem), certificatePem, keyPem);
    }
}
