using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>
/// OpenSSL's record buffers let go while a connection is quiet (<see cref="IdleTlsBuffers"/>), on real TLS
/// connections over loopback: the mode is set on this runtime, data flows both ways as before, and a stream that is
/// not (or no longer) a live TLS connection is left alone.
/// </summary>
public sealed class IdleTlsBuffersTests : IDisposable
{
    private const nint ReleaseBuffers = 0x10; // SSL_MODE_RELEASE_BUFFERS

    private readonly TestPki _pki = new();

    /// <summary>
    /// The gateway's image and CI run .NET 10 on Linux with OpenSSL: a runtime that no longer keeps its OpenSSL
    /// connection where the gateway looks fails here, instead of idle streams silently costing more memory.
    /// </summary>
    [Fact]
    public void Unavailable_OnThisRuntime_IsNull() => Assert.Null(IdleTlsBuffers.Unavailable);

    [Fact]
    public async Task Release_AfterTheHandshake_SetsTheModeOnBothEndsAndDataStillFlowsBothWays()
    {
        var (client, server) = await ConnectedPairAsync();
        await using (client)
        await using (server)
        {
            Assert.Equal(0, IdleTlsBuffers.Mode(client) & ReleaseBuffers);
            Assert.Equal(0, IdleTlsBuffers.Mode(server) & ReleaseBuffers);

            Assert.True(IdleTlsBuffers.Release(client));
            Assert.True(IdleTlsBuffers.Release(server));

            Assert.NotEqual(0, IdleTlsBuffers.Mode(client) & ReleaseBuffers);
            Assert.NotEqual(0, IdleTlsBuffers.Mode(server) & ReleaseBuffers);
            for (var round = 0; round < 3; round++) // the buffers are freed after each round and taken again by the next
            {
                var up = RandomNumberGenerator.GetBytes(1 << 20);
                var down = RandomNumberGenerator.GetBytes((1 << 20) + 17);
                await Task.WhenAll(SendAndCheckAsync(client, server, up), SendAndCheckAsync(server, client, down))
                    .WaitAsync(TestWait.OperationTimeout, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public void Release_BeforeTheHandshake_ChangesNothing()
    {
        using var stream = new SslStream(new MemoryStream());

        Assert.False(IdleTlsBuffers.Release(stream));
        Assert.Equal(0, IdleTlsBuffers.Mode(stream));
    }

    [Fact]
    public async Task Release_AfterTheStreamIsClosed_ChangesNothing()
    {
        var (client, server) = await ConnectedPairAsync();
        await client.DisposeAsync();
        await server.DisposeAsync();

        Assert.False(IdleTlsBuffers.Release(client));
        Assert.Equal(0, IdleTlsBuffers.Mode(server));
    }

    public void Dispose() => _pki.Dispose();

    private static async Task SendAndCheckAsync(SslStream from, SslStream to, byte[] payload)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < payload.Length; offset += 50_000) // writes of several records and a short one
            {
                await from.WriteAsync(payload.AsMemory(offset, Math.Min(50_000, payload.Length - offset)), cancellation);
            }
        }, cancellation);
        var received = new byte[payload.Length];
        await to.ReadExactlyAsync(received, cancellation);
        await writing;
        Assert.Equal(payload, received);
    }

    /// <summary>Both ends of a TLS connection over loopback, authenticated: the client accepts exactly the served certificate.</summary>
    private async Task<(SslStream Client, SslStream Server)> ConnectedPairAsync()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var serving = TestPki.IssueServer(_pki.ClusterCa, "server", [IPAddress.Loopback]);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var connecting = new TcpClient();
            await connecting.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellation);
            var accepted = await listener.AcceptTcpClientAsync(cancellation);
            var client = new SslStream(connecting.GetStream(), leaveInnerStreamOpen: false);
            var server = new SslStream(accepted.GetStream(), leaveInnerStreamOpen: false);
            var pinned = serving.GetCertHashString(HashAlgorithmName.SHA256);
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = SslStreamCertificateContext.Create(serving, additionalCertificates: null, offline: true),
                }, cancellation),
                client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "127.0.0.1",
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == pinned,
                }, cancellation));
            return (client, server);
        }
        finally
        {
            listener.Stop();
        }
    }
}
