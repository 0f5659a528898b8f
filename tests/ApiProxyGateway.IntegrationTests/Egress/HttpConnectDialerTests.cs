using System.Net;
using System.Text;
using ApiProxyGateway.Egress;
using ApiProxyGateway.IntegrationTests.Protocols;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// The HTTPConnect egress against a real in-test CONNECT proxy: on a real Unix domain socket, and on real TCP with
/// mutual TLS, configured from an EgressSelectorConfiguration file as an operator would.
/// </summary>
public sealed class HttpConnectDialerTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"apg-hcp-{Guid.NewGuid():N}"[..16] + ".sock");
    private readonly ReloadRegistry _registry = new();
    private readonly List<IDisposable> _disposables = [];
    private EchoServer _echo = null!;

    public ValueTask InitializeAsync()
    {
        _echo = new EchoServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await _echo.DisposeAsync();
        File.Delete(_socket);
        _pki.Dispose();
    }

    [Fact]
    public async Task Uds_Dial_TunnelsToTheTargetWithConnect()
    {
        await using var proxy = TestConnectProxy.OnUnixSocket(_socket);
        var egress = Selector($$"""{ uds: { udsName: "{{_socket}}" } }""");

        await using var tunnel = await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout());
        await tunnel.WriteAsync("hello"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("hello", await ReadAsync(tunnel, 5));
        Assert.Equal([$"CONNECT 127.0.0.1:{_echo.Port} HTTP/1.1"], proxy.RequestLines);
        Assert.Equal("httpconnect", egress.Cluster.AuditName);
        Assert.Null(await egress.Cluster.Dialer.ProbeAsync(TestWait.Timeout()));
    }

    [Fact]
    public async Task Uds_ProxyRefuses_FailsWithItsStatusReasonAndExplanation()
    {
        await using var proxy = TestConnectProxy.OnUnixSocket(_socket);
        proxy.Refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ncurrently no tunnels available: the Konnectivity agent for node-a is not connected\r\n";
        var egress = Selector($$"""{ uds: { udsName: "{{_socket}}" } }""");

        var failure = await Assert.ThrowsAsync<EgressException>(async () => await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 10250), TestWait.Timeout()));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.Equal(
            $"the Konnectivity server (HTTPConnect over unix:{_socket}) refused CONNECT 10.0.0.5:10250: 503 Service Unavailable: currently no tunnels available: the Konnectivity agent for node-a is not connected",
            failure.Message);
    }

    [Fact]
    public async Task Uds_NoProxyListening_IsUnavailableAndTheProbeSaysWhy()
    {
        var egress = Selector($$"""{ uds: { udsName: "{{_socket}}" } }""");

        var failure = await Assert.ThrowsAsync<EgressException>(async () => await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout()));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.Equal($"the Konnectivity server (HTTPConnect over unix:{_socket}) is not reachable: cannot connect to unix:{_socket}: no socket at that path", failure.Message);
        Assert.Equal($"cannot connect to unix:{_socket}: no socket at that path", await egress.Cluster.Dialer.ProbeAsync(TestWait.Timeout()));
    }

    [Fact]
    public async Task Tls_Dial_VerifiesTheServerPresentsTheClientCertificateAndTunnels()
    {
        var (proxy, config) = StartTlsProxy(TestPki.IssueServer(_pki.ClusterCa, "konnectivity-server", [IPAddress.Loopback]));
        await using var _ = proxy;
        var egress = Selector(config);

        await using var tunnel = await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout());
        await tunnel.WriteAsync("over tls"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("over tls", await ReadAsync(tunnel, 8));
        Assert.Equal(["CN=apiproxygateway-egress"], proxy.ClientSubjects);
        Assert.Equal([$"CONNECT 127.0.0.1:{_echo.Port} HTTP/1.1"], proxy.RequestLines);
    }

    [Fact]
    public async Task Tls_ServerCertificateFromAnotherAuthority_IsRefusedNamingTheFault()
    {
        var (proxy, config) = StartTlsProxy(TestPki.IssueServer(_pki.OtherCa, "konnectivity-server", [IPAddress.Loopback]));
        await using var _ = proxy;
        var egress = Selector(config);

        var failure = await Assert.ThrowsAsync<EgressException>(async () => await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout()));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.Equal(
            $"the Konnectivity server (HTTPConnect over https://127.0.0.1:{proxy.Port}) is not reachable: the certificate of the Konnectivity server at https://127.0.0.1:{proxy.Port} was refused: certificate signed by unknown authority (issuer 'CN=some-other-ca')",
            failure.Message);
        Assert.Empty(proxy.RequestLines);
    }

    [Fact]
    public async Task Tls_ServerCertificateForAnotherName_IsRefusedUnlessTlsServerNameSaysSo()
    {
        var (proxy, config) = StartTlsProxy(TestPki.IssueServer(_pki.ClusterCa, "konnectivity-server", [], ["konnectivity.example"]));
        await using var _ = proxy;

        var failure = await Assert.ThrowsAsync<EgressException>(async () => await Selector(config).Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout()));
        await using var tunnel = await Selector(config.Replace("} } }", ", tlsServerName: konnectivity.example } } }", StringComparison.Ordinal)).Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout());

        Assert.EndsWith("was refused: the certificate is not valid for the dialled address (subject alternative names do not match)", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(tunnel);
    }

    [Fact]
    public async Task Tls_RotatedFiles_AreUsedForNewConnectionsOnceReloaded()
    {
        var (proxy, config) = StartTlsProxy(TestPki.IssueServer(_pki.ClusterCa, "konnectivity-server", [IPAddress.Loopback]));
        await using var _ = proxy;
        var egress = Selector(config);
        (await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout())).Dispose();

        // The server moves to a new CA: refused until the bundle file names it; the client certificate is renewed too.
        using var newCa = TestPki.CreateAuthority("rotated-konnectivity-ca");
        proxy.Certificate = TestPki.IssueServer(newCa, "konnectivity-server", [IPAddress.Loopback]);
        await Assert.ThrowsAsync<EgressException>(async () => await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout()));
        File.WriteAllText(Path.Combine(_pki.Directory, "egress-ca.crt"), newCa.ExportCertificatePem() + "\n" + _pki.ClusterCa.ExportCertificatePem() + "\n");
        _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "apiproxygateway-egress-renewed"), "egress-client");
        foreach (var material in _registry.Items)
        {
            Assert.Equal((true, (string?)null), material.ReloadIfChanged());
        }

        await using var tunnel = await egress.Cluster.DialAsync(new IPEndPoint(IPAddress.Loopback, _echo.Port), TestWait.Timeout());

        Assert.Equal("CN=apiproxygateway-egress-renewed", proxy.ClientSubjects.Last());
    }

    /// <summary>A TLS CONNECT proxy with <paramref name="certificate"/>, and the selection's transport for it (CA bundle: the cluster CA).</summary>
    private (TestConnectProxy Proxy, string Transport) StartTlsProxy(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var proxy = TestConnectProxy.OnTls(certificate, _pki.ClusterCa);
        var ca = Path.Combine(_pki.Directory, "egress-ca.crt");
        File.WriteAllText(ca, _pki.ClusterCa.ExportCertificatePem() + "\n");
        var client = _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "apiproxygateway-egress"), "egress-client");
        return (proxy, $$"""{ tcp: { url: "https://127.0.0.1:{{proxy.Port}}", tlsConfig: { caBundle: "{{ca}}", clientCert: "{{client.Certificate}}", clientKey: "{{client.Key}}" } } }""");
    }

    /// <summary>An <see cref="EgressSelector"/> read from a file whose cluster selection is HTTPConnect over <paramref name="transport"/>.</summary>
    private EgressSelector Selector(string transport)
    {
        var selector = TestEgress.Selector(TestEgress.WriteConfiguration(_pki.Directory, TestEgress.Selection("cluster", "HTTPConnect", transport)), _registry);
        _disposables.Add(selector);
        return selector;
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, TestWait.Timeout());
        return Encoding.UTF8.GetString(buffer);
    }
}
