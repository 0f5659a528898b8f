using System.Security.Cryptography;
using System.Text;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Volume through the byte-for-byte SPDY relay. Each port-forward follows a log read, so its upgrade may go over the
/// gateway's idle pooled connection to the kubelet: the case in which the upgraded stream once lost its bytes
/// (see HeaderLineSplittingStreamTests for the deterministic form).
/// </summary>
public sealed class StreamVolumeTests(GatewaySandboxFixture fixture) : IClassFixture<GatewaySandboxFixture>
{
    private const int Bytes = 32 << 20;

    [Fact]
    public async Task PortForwardOverSpdy_RepeatedLargeDownloadsAfterALogRead_ArriveWhole()
    {
        using var invoker = fixture.Invoker("admin");
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var deadline = TestWait.Timeout(TestWait.OperationTimeout); // each attempt: a log read and 32 MiB through the relay

            // A log read first leaves the gateway an idle pooled connection to the node's kubelet, which the upgrade
            // may then reuse.
            using (var logs = await invoker.SendAsync(fixture.Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods/talker/log?limitBytes=65536"), deadline))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, logs.StatusCode);
                await logs.Content.ReadAsByteArrayAsync(deadline);
            }

            using var request = fixture.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/server/portforward");
            var (session, _) = await SpdyUpgrade.ConnectAsync(invoker, request, [StreamProtocols.PortForwardV1], cancellationToken: deadline);
            await using (session)
            {
                await using var connection = await PortForwardConnection.OpenAsync(session, 8080, attempt, deadline);
                await connection.Data.WriteAsync(Encoding.ASCII.GetBytes($"GET /bytes?n={Bytes} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), deadline);

                var (headers, body, sha) = await ReadResponseAsync(connection.Data, deadline).WaitAsync(deadline);

                Assert.Equal(Bytes, body);
                Assert.Contains($"X-Content-SHA256: {sha}", headers, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>
    /// What the relay passes on reaches the client in TLS records as large as TLS allows (16 KiB of plaintext), as
    /// nginx and HAProxy send them, not in one record per 4 KiB block of Kestrel's default memory pool.
    /// </summary>
    [Fact]
    public async Task PortForwardOverSpdy_LargeDownload_ReachesTheClientInFullSizeTlsRecords()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        TlsRecordWatchStream? watch = null;
        using var invoker = GatewayClients.Invoker(fixture.Host, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
            fixture.Host.Pki.UserCertificate("admin"), fixture.Host.Pki.UserKey("admin")), connection: raw => watch = new TlsRecordWatchStream(raw));
        using var request = fixture.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/server/portforward");
        var (session, _) = await SpdyUpgrade.ConnectAsync(invoker, request, [StreamProtocols.PortForwardV1], cancellationToken: deadline);
        await using (session)
        {
            await using var connection = await PortForwardConnection.OpenAsync(session, 8080, 1, deadline);
            await connection.Data.WriteAsync(Encoding.ASCII.GetBytes($"GET /bytes?n={4 << 20} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), deadline);

            var (_, body, _) = await ReadResponseAsync(connection.Data, deadline).WaitAsync(deadline);

            Assert.Equal(4 << 20, body);
        }

        Assert.NotNull(watch);
        Assert.True(watch.LargestApplicationRecord > 16 * 1024, $"the largest TLS record from the gateway had {watch.LargestApplicationRecord} bytes (a full one has 16 KiB of plaintext and the cipher's overhead)");
    }

    private static async Task<(string Headers, long Body, string Sha)> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var head = new List<byte>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long body = 0;
        string? headers = null;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            if (headers is null)
            {
                head.AddRange(chunk);
                var end = Encoding.ASCII.GetString([.. head]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    continue;
                }

                headers = Encoding.ASCII.GetString([.. head], 0, end);
                chunk = head.ToArray().AsSpan(end + 4);
            }

            hash.AppendData(chunk);
            body += chunk.Length;
        }

        return (headers ?? "", body, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
