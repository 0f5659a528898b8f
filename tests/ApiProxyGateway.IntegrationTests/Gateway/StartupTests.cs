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
    public async Task Gateway_WithAMisspelledFlag_RefusesToStartNamingIt()
    {
        var (exitCode, stderr) = await GatewayRun.UntilExitAsync("--tls-cert-fil", "/tmp/x.crt", "--Serving:SecurePort=0");

        Assert.True(exitCode == 1, $"exit code {exitCode}, stderr:\n{stderr}");
        Assert.Contains("unknown flag --tls-cert-fil;", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--Serving:SecurePort", stderr, StringComparison.Ordinal);
    }
}
