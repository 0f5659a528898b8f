using System.Diagnostics;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>
/// A TLS session resumed after its client certificate's CA was removed from the bundle does not keep its identity:
/// the certificate is validated per request against the current bundle, whatever the handshake did. openssl's
/// s_client resumes the session (a real client, and one that says whether it resumed).
/// </summary>
public sealed class TlsResumptionTests : IAsyncLifetime
{
    private SecretVolume _clientCa = null!;
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await GatewayUnderTest.StartAsync((pki, _) =>
    {
        _clientCa = new SecretVolume(pki.Directory, "client-ca");
        _clientCa.WriteBundle(pki.ClusterCa);
        return new Dictionary<string, string?>
        {
            ["Serving:ClientCaFile"] = _clientCa.CertificatePath,
            ["Tls:ReloadInterval"] = "00:00:01",
        };
    });

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ResumedSession_AfterItsCaWasRemoved_IsUnauthorized()
    {
        var deadline = TestWait.Timeout(TimeSpan.FromSeconds(90));
        using var developer = _gateway.User("developer");
        var (certificate, key) = _gateway.Pki.Write(developer, "resuming-developer");
        var ca = _gateway.Pki.Write(_gateway.Pki.ClusterCa, "resumption-ca").Certificate;
        var session = Path.Combine(_gateway.Pki.Directory, "session.pem");
        string[] client = ["-cert", certificate, "-key", key, "-CAfile", ca];

        var first = await OpenSslAsync([.. client, "-sess_out", session], deadline);
        using var otherCa = TestPki.CreateAuthority("replacement-client-ca");
        _clientCa.WriteBundle(otherCa);
        await TestWait.UntilAsync(async token => (await OpenSslAsync(client, token)).Contains("HTTP/1.1 401", StringComparison.Ordinal),
            "a fresh handshake with the removed CA's certificate is answered 401", TimeSpan.FromSeconds(90), deadline);

        var resumed = await OpenSslAsync([.. client, "-sess_in", session], deadline);

        Assert.Contains("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.3", resumed, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 401", resumed, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/1.1 200", resumed, StringComparison.Ordinal);
    }

    /// <summary>One HTTP/1.1 request through <c>openssl s_client</c>; returns everything it printed.</summary>
    private async Task<string> OpenSslAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(HostTool.Require("openssl", "this test needs the openssl command (Debian's openssl package)"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["s_client", "-connect", $"{_gateway.Url.Host}:{_gateway.Url.Port}", "-tls1_3", "-ign_eof", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!) // ! Start returns null only for shell execution
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.StandardInput.WriteAsync("GET /api/v1/namespaces/demo/pods HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
                await process.StandardInput.FlushAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                return await output + await error;
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }
}
