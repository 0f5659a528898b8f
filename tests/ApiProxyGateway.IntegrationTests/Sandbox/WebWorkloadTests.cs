using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary><c>workload web</c> as the pods/services proxy tests will meet it: verified HTTPS by service name, redirects, HTML, WebSockets.</summary>
public sealed class WebWorkloadTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Theory]
    [InlineData("server.demo.svc")]
    [InlineData("server.demo.svc.cluster.local")]
    public async Task Https_ServiceName_VerifiesAgainstTheWorkloadCa(string name)
    {
        var ip = await PodIpAsync();
        using var client = Client(ip, name, "https");

        var echo = await client.GetStringAsync("/hello?x=1", TestContext.Current.CancellationToken);

        Assert.Contains("\"path\":\"/hello\"", echo, StringComparison.Ordinal);
        Assert.Contains("\"scheme\":\"https\"", echo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_RedirectAndPage_AreServedUnfollowed()
    {
        var ip = await PodIpAsync();
        using var client = Client(ip, ip, "http");

        using var redirect = await client.GetAsync("/redirect", TestContext.Current.CancellationToken);
        using var page = await client.GetAsync("/page", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/", redirect.Headers.Location?.OriginalString);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<a href=\"/echo\">", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_Echo_ReturnsTheMessage()
    {
        var ip = await PodIpAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{ip}:8080/ws"), TestContext.Current.CancellationToken);

        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
        var buffer = new byte[64];
        var result = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);

        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task TlsDirectory_BrokenVariants_AreBrokenTheWayTheyAreNamed()
    {
        await PodIpAsync();
        var directory = Path.Combine(fixture.Host.PodsDirectory, "demo_server", "tls");
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(directory, "ca.crt"), TestContext.Current.CancellationToken));
        X509Certificate2 Load(string name) => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, name + ".crt")));
        using var valid = Load("tls");
        using var expired = Load("expired");
        using var wrongName = Load("wrong-name");
        using var unknown = Load("unknown-ca");

        Assert.Equal(ca.Subject, valid.Issuer);
        Assert.True(expired.NotAfter < DateTime.Now);
        Assert.False(wrongName.MatchesHostname("server.demo.svc"));
        Assert.True(valid.MatchesHostname("server.demo.svc"));
        Assert.NotEqual(ca.Subject, unknown.Issuer);
    }

    private async Task<string> PodIpAsync() =>
        (await fixture.WaitForPodAsync("demo", "server", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.Ready == true)).Status.PodIP;

    /// <summary>Dials the pod IP while TLS checks <paramref name="name"/>, trusting only the workload CA.</summary>
    private HttpClient Client(string ip, string name, string scheme)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Parse(ip), context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(fixture.Host.Pki.WorkloadCaCertificate)) },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"{scheme}://{name}:{(scheme == "https" ? 8443 : 8080)}") };
    }
}
