using System.Net;
using System.Net.Security;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Which protocol the workload pools speak, on the wire: HTTP/2 to an https workload that chooses h2 in ALPN (as
/// kube-apiserver's transport), HTTP/1.1 to one that chooses http/1.1, and then on every later connection of that
/// pool even if the workload would choose h2 by then (the pool sends HTTP/1.1 from then on); HTTP/1.1 everywhere with
/// <c>Proxy:Http2=false</c>. The workload is a real Kestrel server with a certificate of the workload CA; each of its
/// HTTP/1.1 answers closes the connection, so every request needs a new handshake.
/// </summary>
public sealed class WorkloadProtocolTests
{
    private static readonly ProxyTarget Https = new("pod \"demo/web\"", IPAddress.Parse("10.0.0.1"), 443, "https", ["10.0.0.1"], [], "test");

    [Theory]
    [InlineData(0, new[] { "HTTP/2", "HTTP/2", "HTTP/2" })]
    [InlineData(1, new[] { "HTTP/1.1", "HTTP/1.1", "HTTP/1.1" })]
    public async Task HttpsWorkload_IsSpokenToInTheProtocolItFirstChose(int http11Handshakes, string[] expected)
    {
        await using var gateway = await StartGatewayAsync(http2: null);
        await using var workload = await AlpnWorkload.StartAsync(gateway.Pki, http11Handshakes);

        var protocols = await SendAsync(gateway, workload, expected.Length);

        Assert.Equal(expected, protocols);
        Assert.True(workload.Handshakes >= (http11Handshakes > 0 ? expected.Length : 1), $"{workload.Handshakes} handshakes");
    }

    [Fact]
    public async Task Http2Off_AnH2Workload_IsSpokenToOverHttp11()
    {
        await using var gateway = await StartGatewayAsync(http2: "false");
        await using var workload = await AlpnWorkload.StartAsync(gateway.Pki, http11Handshakes: 0);

        Assert.Equal(["HTTP/1.1", "HTTP/1.1"], await SendAsync(gateway, workload, 2));
    }

    [Fact]
    public void Destination_HasTheTargetsSchemeAndItsPortEvenWhenDefault()
    {
        Assert.Equal("https://10.0.0.1:443", WorkloadClientPool.Destination(Https));
        Assert.Equal("http://10.0.0.1:80", WorkloadClientPool.Destination(Https with { Scheme = "http", Port = 80 }));
        Assert.Equal("https://[fd00::1]:8443", WorkloadClientPool.Destination(Https with { Address = IPAddress.Parse("fd00::1"), Port = 8443 }));
    }

    private static Task<GatewayUnderTest> StartGatewayAsync(string? http2)
    {
        var settings = new Dictionary<string, string?> { ["Proxy:AllowedNetworks:0"] = "127.0.0.0/8" };
        if (http2 is not null)
        {
            settings["Proxy:Http2"] = http2;
        }

        return GatewayUnderTest.StartAsync(settings);
    }

    /// <summary>Sends <paramref name="count"/> requests as the proxy handler does (HTTP/2 allowed, HTTP/1.1 accepted) and returns the protocol the workload saw for each.</summary>
    private static async Task<string[]> SendAsync(GatewayUnderTest gateway, AlpnWorkload workload, int count)
    {
        var target = new ProxyTarget("pod \"demo/alpn\"", IPAddress.Loopback, workload.Port, "https", ["127.0.0.1"], [gateway.Pki.WorkloadCa], "test");
        var invoker = gateway.Services.GetRequiredService<WorkloadClientPool>().GetInvoker(target);
        var protocols = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, WorkloadClientPool.Destination(target) + "/")
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
            request.Headers.Host = target.Authority;
            using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            protocols[i] = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        return protocols;
    }

    /// <summary>An https workload whose first <c>http11Handshakes</c> handshakes offer only http/1.1 in ALPN and later ones h2 as well; it answers with the request's protocol.</summary>
    private sealed class AlpnWorkload(WebApplication app, Func<int> handshakes) : IAsyncDisposable
    {
        public int Port { get; } = new Uri(app.Urls.First()).Port;

        public int Handshakes => handshakes();

        public static async Task<AlpnWorkload> StartAsync(TestPki pki, int http11Handshakes)
        {
            var serving = TestPki.IssueServer(pki.WorkloadCa, "alpn", [IPAddress.Loopback]);
            var handshakes = 0;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serving,
                    OnAuthenticate = (_, options) => options.ApplicationProtocols = Interlocked.Increment(ref handshakes) <= http11Handshakes
                        ? [SslApplicationProtocol.Http11]
                        : [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                });
            }));
            var app = builder.Build();
            app.Run(http =>
            {
                if (HttpProtocol.IsHttp11(http.Request.Protocol))
                {
                    http.Response.Headers.Connection = "close"; // the next request needs a new connection
                }

                return http.Response.WriteAsync(http.Request.Protocol, http.RequestAborted);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new AlpnWorkload(app, () => Volatile.Read(ref handshakes));
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
