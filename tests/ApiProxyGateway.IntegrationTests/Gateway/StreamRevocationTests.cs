using System.Diagnostics;
using System.Net;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// A certificate taken away ends the streams it holds open: the real gateway (checking live certificates every second,
/// re-reading its certificate files every second) in front of the sandbox; the certificate is revoked with the real
/// <c>openssl ca</c> into a new CRL over the gateway's <c>--client-crl-file</c>, or its CA is rotated out of the
/// client-CA bundle. Each test has its own user and certificate, so nothing else is cut.
/// </summary>
public sealed class StreamRevocationTests : IAsyncLifetime
{
    /// <summary>
    /// How long a stream may outlive the new file: a reload and a certificate check (a second each here), the close,
    /// and a busy machine. "Within seconds", with room for CI.
    /// </summary>
    private static readonly TimeSpan EndsWithin = TestWait.DefaultTimeout;

    private ProductionSandbox _sandbox = null!;
    private GuardedStreams _streams = null!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await ProductionSandbox.StartAsync(["--Sessions:CertificateCheckInterval=00:00:01", "--Tls:ReloadInterval=00:00:01"], TestContext.Current.CancellationToken);
        _streams = new GuardedStreams(_sandbox);
    }

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task KubectlExec_CertificateRevokedByANewCrl_KubectlPrintsThatItWasRevoked()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var certificate = _streams.Certificate(user, TimeSpan.FromHours(1));
        var marker = "revoked-" + Guid.NewGuid().ToString("N")[..8];
        await using var exec = Kubectl.Default.Start(_streams.KubectlAs(user, certificate), ["exec", "-i", "shell", "--", "sh", "-c", $"cat #{marker}"]);
        await exec.TypeLineAsync("before the revocation");
        await exec.WaitForLineAsync(line => line == "before the revocation", TestWait.OperationTimeout, deadline);

        _streams.RevokeAndPublish(certificate);
        var published = Stopwatch.StartNew();

        Assert.True(await exec.WaitForExitAsync(EndsWithin, deadline), $"kubectl exec still runs {EndsWithin} after the revocation.{Environment.NewLine}{exec}");
        Assert.NotEqual(0, exec.ExitCode);
        Assert.StartsWith("error: the client certificate is no longer accepted (revoked): the client certificate (serial ", exec.Error, StringComparison.Ordinal); // what the user reads
        Assert.Contains($"by the CRL '{_sandbox.Host.Pki.ClientCrl}' of 'CN=apiproxygateway-sandbox-cluster-ca'", exec.Error, StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"kubectl exec ended {published.Elapsed.TotalSeconds:0.0} s after the CRL was published; it printed: {exec.Error}");
        var completed = await _streams.CompletedAuditEventAsync(marker, deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "exec", "certificate-revoked", deadline);
    }

    [Fact]
    public async Task PortForward_CertificateRevokedByANewCrl_Ends()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var certificate = _streams.Certificate(user, TimeSpan.FromHours(1));
        using var invoker = GatewayClients.Invoker(_sandbox.Host, certificate);
        using var request = _sandbox.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/web/portforward");
        var (session, _) = await SpdyUpgrade.ConnectAsync(invoker, request, [StreamProtocols.PortForwardV1], cancellationToken: deadline);
        await using (session)
        {
            // The forward works: the web pod answers through it.
            await using (var connection = await PortForwardConnection.OpenAsync(session, 8080, 1, deadline))
            {
                await connection.Data.WriteAsync("GET /healthz HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"u8.ToArray(), deadline);
                using var reader = new StreamReader(connection.Data);
                Assert.StartsWith("HTTP/1.1 200", await reader.ReadLineAsync(deadline), StringComparison.Ordinal);
            }

            _streams.RevokeAndPublish(certificate);

            // Ended, however: the gateway cuts a relayed SPDY session (the client's session may end with an error then).
            Assert.True(
                await TestWait.CompletesWithinAsync(Task.WhenAny(session.Completion), EndsWithin, deadline),
                $"the port-forward's SPDY session still runs {EndsWithin} after the revocation");
        }

        var completed = await _streams.CompletedAuditEventAsync(user, "portforward", deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "portforward", "certificate-revoked", deadline);
    }

    [Fact]
    public async Task FollowedLog_CertificateRevokedByANewCrl_Ends()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var certificate = _streams.Certificate(user, TimeSpan.FromHours(1));
        using var invoker = GatewayClients.Invoker(_sandbox.Host, certificate);
        var (response, body) = await GuardedStreams.OpenFlowingAsync(invoker, _sandbox.Request(HttpMethod.Get, ProductionSandbox.FollowedLog), deadline);
        using var disposeResponse = response;
        await using var disposeBody = body;

        _streams.RevokeAndPublish(certificate);

        await GuardedStreams.UntilEndedAsync(body, "the followed log ends once its certificate is revoked", EndsWithin, deadline);
        var completed = await _streams.CompletedAuditEventAsync(user, "log", deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "logs", "certificate-revoked", deadline);
    }

    [Fact]
    public async Task Exec_IssuingCaRotatedOutOfTheBundle_EndsSayingTheAuthorityIsUnknown()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        using var teamCa = TestPki.CreateAuthority("team-ca");
        var original = _streams.ReplaceClientCaBundle(File.ReadAllText(_sandbox.Host.Pki.ClusterCaCertificate).TrimEnd() + "\n" + teamCa.ExportCertificatePem() + "\n");
        var user = await _streams.BoundUserAsync(deadline);
        using var certificate = _streams.Certificate(user, TimeSpan.FromHours(1), teamCa);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, certificate);
        await TestWait.UntilAsync(
            async token =>
            {
                using var probe = GatewayClients.Invoker(_sandbox.Host, certificate); // a new connection each time: the handshake sees the new bundle
                try
                {
                    using var response = await probe.SendAsync(_sandbox.Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods/shell"), token);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // refused (401, or the connection cut by the certificate check) until the new bundle is loaded
                }
            },
            "the gateway accepts the team CA's user once the bundle holds the team CA",
            TestWait.OperationTimeout,
            deadline);
        var open = await _streams.OpenExecAsync(invoker, deadline);
        await using (open)
        {
            _streams.ReplaceClientCaBundle(original);
            var exit = open.Client.WaitForExitAsync(deadline);
            Assert.True(await TestWait.CompletesWithinAsync(exit, EndsWithin, deadline), $"the exec still runs {EndsWithin} after its CA left the bundle");
            var result = await exit;

            Assert.Null(result.ExitCode);
            Assert.Contains("the client certificate is no longer accepted (unknown authority)", result.Error, StringComparison.Ordinal);
        }

        var completed = await _streams.CompletedAuditEventAsync(open.Marker, deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "exec", "certificate-unknown-authority", deadline);
    }
}
