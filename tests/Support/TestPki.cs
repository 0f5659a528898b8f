using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Tests.Support;

/// <summary>An in-memory test PKI; PEM files go to a temporary directory deleted on dispose (no keys in git).</summary>
public sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public TestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("apg-pki-").FullName;
        ClusterCa = CreateAuthority("test-cluster-ca");
        OtherCa = CreateAuthority("some-other-ca");
        KubeletCa = CreateAuthority("test-kubelet-serving-ca");
        KubeletClientCa = CreateAuthority("test-kubelet-client-ca");
        WorkloadCa = CreateAuthority("test-workload-ca");
    }

    public string Directory { get; }

    public X509Certificate2 ClusterCa { get; }

    public X509Certificate2 OtherCa { get; }

    public X509Certificate2 KubeletCa { get; }

    public X509Certificate2 KubeletClientCa { get; }

    public X509Certificate2 WorkloadCa { get; }

    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 IssueServer(X509Certificate2 authority, string commonName, IEnumerable<IPAddress> addresses, IEnumerable<string>? dnsNames = null, string[]? organizations = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        foreach (var dns in dnsNames ?? ["localhost"])
        {
            names.AddDnsName(dns);
        }

        return Issue(authority, Subject(commonName, organizations ?? []), ServerAuth, names.Build(), notBefore, notAfter);
    }

    public static X509Certificate2 IssueClient(X509Certificate2 authority, string commonName, string[]? organizations = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, Oid? usage = null) =>
        Issue(authority, Subject(commonName, organizations ?? []), usage ?? ClientAuth, null, notBefore, notAfter);

    public (string Certificate, string Key) Write(X509Certificate2 certificate, string name)
    {
        var certificatePath = Path.Combine(Directory, name + ".crt");
        var keyPath = Path.Combine(Directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        if (certificate.HasPrivateKey)
        {
            using var key = certificate.GetECDsaPrivateKey()!;
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        ClusterCa.Dispose();
        OtherCa.Dispose();
        KubeletCa.Dispose();
        KubeletClientCa.Dispose();
        WorkloadCa.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>
    /// <paramref name="certificate"/> signed again by its (ECDSA) <paramref name="authority"/> with <paramref name="hash"/>
    /// and, if given, with this serial number's exact bytes: certificates .NET will not issue (SHA-1 signatures,
    /// negative serials) but a sloppy CA does. The result carries no private key.
    /// </summary>
    public static X509Certificate2 Reissue(X509Certificate2 certificate, X509Certificate2 authority, HashAlgorithmName hash, byte[]? serialNumber = null)
    {
        var tbs = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var version = tbs.ReadEncodedValue();
        var serial = tbs.ReadEncodedValue();
        _ = tbs.ReadEncodedValue(); // the old signature algorithm
        var algorithm = new AsnWriter(AsnEncodingRules.DER);
        using (algorithm.PushSequence())
        {
            algorithm.WriteObjectIdentifier(hash == HashAlgorithmName.SHA1 ? "1.2.840.10045.4.1" : "1.2.840.10045.4.3.2");
        }

        var body = new AsnWriter(AsnEncodingRules.DER);
        using (body.PushSequence())
        {
            body.WriteEncodedValue(version.Span);
            body.WriteEncodedValue(serialNumber is null ? serial.Span : [0x02, (byte)serialNumber.Length, .. serialNumber]);
            body.WriteEncodedValue(algorithm.Encode());
            while (tbs.HasData)
            {
                body.WriteEncodedValue(tbs.ReadEncodedValue().Span);
            }
        }

        var signed = body.Encode();
        using var key = authority.GetECDsaPrivateKey() ?? throw new ArgumentException("The authority needs its ECDSA private key.", nameof(authority));
        var whole = new AsnWriter(AsnEncodingRules.DER);
        using (whole.PushSequence())
        {
            whole.WriteEncodedValue(signed);
            whole.WriteEncodedValue(algorithm.Encode());
            whole.WriteBitString(key.SignData(signed, hash, DSASignatureFormat.Rfc3279DerSequence));
        }

        return X509CertificateLoader.LoadCertificate(whole.Encode());
    }

    /// <summary>A client certificate with exactly this subject (RDNs in encoding order), odd subjects included.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 authority, IEnumerable<IReadOnlyList<SubjectPart>> subject) =>
        Issue(authority, SubjectNames.Encode(subject), ClientAuth, null, null, null);

    /// <summary>One O per organization, then the CN (if any), in that encoding order, as Kubernetes tooling issues them.</summary>
    private static X500DistinguishedName Subject(string commonName, string[] organizations) =>
        SubjectNames.Encode(commonName.Length > 0 ? SubjectNames.ForUser(commonName, organizations) : SubjectNames.ForUser("", organizations).SkipLast(1));

    private static X509Certificate2 Issue(X509Certificate2 authority, X500DistinguishedName subject, Oid usage, X509Extension? names, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(7);
        using var issued = request.Create(authority, from, to, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
