using ApiProxyGateway.Authentication;
using ApiProxyGateway.Revocation;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ClientCertificateValidatorTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ClientCertificateValidationCache _cache;
    private readonly ClientCertificateValidator _validator;

    public ClientCertificateValidatorTests()
    {
        var serving = _pki.Write(TestPki.IssueServer(_pki.ClusterCa, "gateway", [System.Net.IPAddress.Loopback]), "gateway");
        var options = Options.Create(new ServingOptions
        {
            TlsCertFile = serving.Certificate,
            TlsPrivateKeyFile = serving.Key,
            ClientCaFile = _pki.Write(_pki.ClusterCa, "ca").Certificate,
        });
        var authentication = new StaticOptionsMonitor(new ClientCertificateAuthenticationOptions { MaxClientCertificateLifetime = TimeSpan.FromDays(10) });
        _cache = new ClientCertificateValidationCache(authentication);
        var registry = new ReloadRegistry();
        var revocation = new RevocationChecker(Options.Create(new RevocationOptions()), options, registry, TestMetrics.Create(), _time, NullLogger<RevocationChecker>.Instance);
        _validator = new ClientCertificateValidator(new ServingTlsProvider(options, new CertificateInventory(TestMetrics.Create(), _time), registry, _time), revocation, _cache, authentication, _time);
    }

    [Fact]
    public void Validate_SignedWithSha1_IsRefusedAsKubernetesRefusesIt()
    {
        using var issued = TestPki.IssueClient(_pki.ClusterCa, "sha1user");
        using var certificate = TestPki.Reissue(issued, _pki.ClusterCa, System.Security.Cryptography.HashAlgorithmName.SHA1);

        var result = _validator.Validate(certificate);

        Assert.Equal(ClientCertificateFailure.InsecureCertificate, result.Failure);
        Assert.Contains("ECDSA with SHA-1", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeSerialNumber_IsRefusedAsKubernetesRefusesIt()
    {
        using var issued = TestPki.IssueClient(_pki.ClusterCa, "negative");
        using var certificate = TestPki.Reissue(issued, _pki.ClusterCa, System.Security.Cryptography.HashAlgorithmName.SHA256, [0x80, 0x01, 0x02, 0x03]);

        var result = _validator.Validate(certificate);

        Assert.Equal(ClientCertificateFailure.InsecureCertificate, result.Failure);
        Assert.Contains("negative serial number", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReissuedWithSha256_StillSucceeds()
    {
        using var issued = TestPki.IssueClient(_pki.ClusterCa, "reissued");
        using var certificate = TestPki.Reissue(issued, _pki.ClusterCa, System.Security.Cryptography.HashAlgorithmName.SHA256);

        Assert.True(_validator.Validate(certificate).Succeeded); // so the two refusals above are about SHA-1 and the serial alone
    }

    [Fact]
    public void Validate_CertificateFromTheClientCa_Succeeds()
    {
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer", ["dev"]);

        var result = _validator.Validate(certificate);

        Assert.True(result.Succeeded);
        Assert.Equal("developer", result.User!.Name);
    }

    [Fact]
    public void Validate_CertificateFromAnotherCa_IsUnknownAuthority()
    {
        using var certificate = TestPki.IssueClient(_pki.OtherCa, "developer");

        Assert.Equal(ClientCertificateFailure.UnknownAuthority, _validator.Validate(certificate).Failure);
    }

    [Fact]
    public void Validate_WithoutClientAuthUsage_IsRefused()
    {
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer", usage: new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));

        Assert.Equal(ClientCertificateFailure.MissingClientAuthUsage, _validator.Validate(certificate).Failure);
    }

    [Fact]
    public void Validate_CachedSuccess_IsNotUsedPastNotAfter()
    {
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer", notAfter: _time.GetUtcNow().AddMinutes(5));
        Assert.True(_validator.Validate(certificate).Succeeded);

        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(ClientCertificateFailure.Expired, _validator.Validate(certificate).Failure);
    }

    [Fact]
    public void Validate_LifetimeOverTheMaximum_IsRefusedSayingBothSpans()
    {
        var notBefore = _time.GetUtcNow().AddHours(-1);
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer", notBefore: notBefore, notAfter: notBefore.AddDays(11));

        var result = _validator.Validate(certificate);

        Assert.Equal(ClientCertificateFailure.LifetimeTooLong, result.Failure);
        Assert.Contains("lifetime 11.00:00:00 (from ", result.Detail, StringComparison.Ordinal);
        Assert.EndsWith("is longer than the maximum 10.00:00:00", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LifetimeOfExactlyTheMaximum_Succeeds()
    {
        var notBefore = _time.GetUtcNow().AddHours(-1);
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer", notBefore: notBefore, notAfter: notBefore.AddDays(10));

        Assert.True(_validator.Validate(certificate).Succeeded);
    }

    [Fact]
    public void Validate_SameCertificateTwice_UsesTheCache()
    {
        using var certificate = TestPki.IssueClient(_pki.ClusterCa, "developer");

        var first = _validator.Validate(certificate);
        var second = _validator.Validate(certificate);

        Assert.Same(first, second);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _pki.Dispose();
    }

    private sealed class StaticOptionsMonitor(ClientCertificateAuthenticationOptions value) : IOptionsMonitor<ClientCertificateAuthenticationOptions>
    {
        public ClientCertificateAuthenticationOptions CurrentValue => value;

        public ClientCertificateAuthenticationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ClientCertificateAuthenticationOptions, string?> listener) => null;
    }
}
