using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

public sealed class StartupTests
{
    [Fact]
    public async Task Gateway_WithBadConfiguration_ExitsWithOneMessageListingEveryProblem()
    {
        var directory = Directory.CreateTempSubdirectory("apg-startup-").FullName;
        try
        {
            var garbage = Path.Combine(directory, "garbage.pem");
            await File.WriteAllTextAsync(garbage, "not a certificate", TestContext.Current.CancellationToken);

            var (exitCode, stderr) = await GatewayRun.UntilExitAsync(
                "--bind-address", "127.0.0.1", "--secure-port", "0",
                "--tls-cert-file", Path.Combine(directory, "missing.crt"),
                "--tls-private-key-file", Path.Combine(directory, "missing.key"),
                "--client-ca-file", garbage,
                "--kubeconfig", Path.Combine(directory, "missing.kubeconfig"));

            Assert.True(exitCode == 1, $"exit code {exitCode}, stderr:\n{stderr}");
            Assert.Contains("ApiProxyGateway cannot start: invalid configuration, 6 problem(s):", stderr, StringComparison.Ordinal);
            Assert.Contains("Serving:TlsCertFile (--tls-cert-file): file '", stderr, StringComparison.Ordinal);
            Assert.Contains("Serving:ClientCaFile (--client-ca-file): file '" + garbage + "' contains no PEM certificate", stderr, StringComparison.Ordinal);
            Assert.Contains("ApiServer:Kubeconfig (--kubeconfig): file '", stderr, StringComparison.Ordinal);
            Assert.Contains("Kubelet:CertificateAuthority (--kubelet-certificate-authority): required", stderr, StringComparison.Ordinal);
            Assert.Contains("Kubelet:ClientCertificate (--kubelet-client-certificate) and Kubelet:ClientKey (--kubelet-client-key): both required", stderr, StringComparison.Ordinal);
            Assert.Contains("Proxy:ClientCertificate (--proxy-client-cert-file) and Proxy:ClientKey (--proxy-client-key-file): both required", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Gateway_WithBadRevocationFiles_ExitsNamingEveryFileGivenToTheRepeatedFlag()
    {
        using var pki = new TestPki();
        var clientCa = pki.Write(pki.ClusterCa, "cluster-ca").Certificate;
        var good = Path.Combine(pki.Directory, "good-crl.pem");
        new OpensslCa(pki.Directory, pki.ClusterCa).WriteCrl(good);
        var foreign = Path.Combine(pki.Directory, "foreign-crl.der");
        new OpensslCa(pki.Directory, pki.OtherCa).WriteCrl(foreign, der: true);
        using var impostor = TestPki.CreateAuthority("test-cluster-ca"); // the cluster CA's name, another key
        var forged = Path.Combine(pki.Directory, "forged-crl.pem");
        new OpensslCa(pki.Directory, impostor).WriteCrl(forged);
        var garbage = Path.Combine(pki.Directory, "garbage-crl.pem");
        await File.WriteAllTextAsync(garbage, "not a CRL", TestContext.Current.CancellationToken);
        var denylist = Path.Combine(pki.Directory, "denylist");
        await File.WriteAllTextAsync(denylist, "# a comment\nserial=01 issuer=CN=nobody\n", TestContext.Current.CancellationToken);

        var (exitCode, stderr) = await GatewayRun.UntilExitAsync(
            "--bind-address", "127.0.0.1", "--secure-port", "0", "--client-ca-file", clientCa,
            "--client-crl-file", $"{good},{garbage}", "--client-crl-file", foreign, $"--client-crl-file={forged}",
            "--client-certificate-denylist-file", denylist, "--max-client-certificate-lifetime=-1");

        Assert.True(exitCode == 1, $"exit code {exitCode}, stderr:\n{stderr}");
        Assert.Contains($"Revocation:CrlFiles (--client-crl-file): file '{garbage}' is neither PEM (X509 CRL) nor a DER CRL", stderr, StringComparison.Ordinal);
        Assert.Contains($"Revocation:CrlFiles (--client-crl-file): the CRL in '{foreign}' is issued by 'CN=some-other-ca', which is not a CA of the client-CA bundle", stderr, StringComparison.Ordinal);
        Assert.Contains($"Revocation:CrlFiles (--client-crl-file): the CRL in '{forged}' names 'CN=test-cluster-ca' as its issuer, but no CA of that name in the client-CA bundle signed it", stderr, StringComparison.Ordinal);
        Assert.Contains($"Revocation:DenylistFile (--client-certificate-denylist-file): denylist '{denylist}': line 2: issuer 'CN=nobody' is not a CA of the client-CA bundle", stderr, StringComparison.Ordinal);
        Assert.Contains("Authentication:MaxClientCertificateLifetime (--max-client-certificate-lifetime): must not be negative (0: no limit), was -1.00:00:00", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(good, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_WithAMisspelledFlag_RefusesToStartNamingIt()
    {
        var (exitCode, stderr) = await GatewayRun.UntilExitAsync("--tls-cert-fil", "/tmp/x.crt", "--Serving:SecurePort=0");

        Assert.True(exitCode == 1, $"exit code {exitCode}, stderr:\n{stderr}");
        Assert.Contains("unknown flag --tls-cert-fil;", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--Serving:SecurePort", stderr, StringComparison.Ordinal);
    }
}
