using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApiProxyGateway.IntegrationTests.Gateway;

public sealed class FrontDoorTests : IAsyncLifetime
{
    private readonly RequestConnections _connections = new();
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync() =>
        _gateway = await GatewayUnderTest.StartAsync((_, _) => new Dictionary<string, string?>(), services: services => services.AddSingleton<IStartupFilter>(_connections));

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Request_WithoutCertificate_Gets401Status()
    {
        using var client = _gateway.CreateClient(certificate: null);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Request_WithCertificateFromAnotherCa_Gets401Status()
    {
        using var stranger = TestPki.IssueClient(_gateway.Pki.OtherCa, "mallory", ["system:masters"]);
        using var client = _gateway.CreateClient(stranger);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Request_WithExpiredCertificate_Gets401Status()
    {
        using var expired = TestPki.IssueClient(_gateway.Pki.ClusterCa, "developer", notBefore: DateTimeOffset.UtcNow.AddMinutes(-50), notAfter: DateTimeOffset.UtcNow.AddMinutes(-10));
        using var client = _gateway.CreateClient(expired);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Request_WithServerOnlyCertificate_Gets401Status()
    {
        using var serverOnly = TestPki.IssueClient(_gateway.Pki.ClusterCa, "developer", usage: new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        using var client = _gateway.CreateClient(serverOnly);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Request_WithValidCertificate_IsForwarded()
    {
        using var developer = _gateway.User("developer", "dev-team");
        using var client = _gateway.CreateClient(developer);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    /// <summary>
    /// Every client connection lets OpenSSL free its record buffers while it is quiet (<see cref="IdleTlsBuffers"/>),
    /// set by the front door right after the handshake. Read during an HTTP/1.1 request, while nothing else reads the
    /// connection.
    /// </summary>
    [Fact]
    public async Task Connection_AfterTheHandshake_ReleasesItsRecordBuffersWhileQuiet()
    {
        using var developer = _gateway.User("developer", "dev-team");
        using var client = _gateway.CreateClient(developer, HttpVersion.Version11);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mode = Assert.Single(_connections.Modes);
        Assert.NotEqual(0, mode & 0x10); // SSL_MODE_RELEASE_BUFFERS
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Handshake_WithTls12Or13_NegotiatesHttp2AndAdvertisesOnlyTheClientCa(SslProtocols protocol)
    {
        string[]? advertised = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Url.Host, _gateway.Url.Port, TestContext.Current.CancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());

        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocol,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = _gateway.ValidateServer,
            LocalCertificateSelectionCallback = (_, _, _, _, issuers) =>
            {
                advertised = issuers;
                return null!;
            },
        }, TestContext.Current.CancellationToken);

        Assert.Equal(protocol, ssl.SslProtocol);
        Assert.Equal(SslApplicationProtocol.Http2, ssl.NegotiatedApplicationProtocol);
        Assert.NotNull(advertised);
        Assert.Equal([_gateway.Pki.ClusterCa.Subject], advertised);
    }

    [Fact]
    public async Task Handshake_WithTls11_IsRefused()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Url.Host, _gateway.Url.Port, TestContext.Current.CancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());

#pragma warning disable SYSLIB0039, CA5397 // The point of the test is that the gateway refuses the obsolete protocol.
        var attempt = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls11,
            RemoteCertificateValidationCallback = _gateway.ValidateServer,
        }, TestContext.Current.CancellationToken);
#pragma warning restore SYSLIB0039, CA5397

        await Assert.ThrowsAnyAsync<Exception>(() => attempt);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        Assert.Equal(401, (int?)status["code"]);
    }

    /// <summary>Reads the OpenSSL mode of each request's client connection, first in the gateway's pipeline.</summary>
    private sealed class RequestConnections : IStartupFilter
    {
        public ConcurrentQueue<nint> Modes { get; } = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                if (context.Features.Get<ISslStreamFeature>() is { } tls)
                {
                    Modes.Enqueue(IdleTlsBuffers.Mode(tls.SslStream));
                }

                return rest(context);
            });
            next(app);
        };
    }
}
