using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Certificates replaced on disk the way a Kubernetes secret volume replaces them (a new timestamped directory
/// and an atomic swap of the <c>..data</c> symlink), under continuous load: new handshakes use the new material
/// and no request fails.
/// </summary>
public sealed class RotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TestWait.OperationTimeout;

    private SecretVolume _serving = null!;
    private SecretVolume _clientCa = null!;
    private SecretVolume _apiServerClient = null!;
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = await GatewayUnderTest.StartAsync((pki, apiServer) =>
        {
            _apiServerClient = new SecretVolume(pki.Directory, "apiserver-client");
            _apiServerClient.Write(TestPki.IssueClient(pki.ClusterCa, "apiproxygateway"));
            var kubeconfig = GatewayUnderTest.WriteKubeconfig(Path.Combine(pki.Directory, "rotating.kubeconfig"), apiServer.Url,
                pki.Write(pki.ClusterCa, "cluster-ca-for-rotation").Certificate, _apiServerClient.CertificatePath, _apiServerClient.KeyPath);
            _serving = new SecretVolume(pki.Directory, "serving");
            _serving.Write(TestPki.IssueServer(pki.ClusterCa, "apiproxygateway", [IPAddress.Loopback]));
            _clientCa = new SecretVolume(pki.Directory, "client-ca");
            _clientCa.WriteBundle(pki.ClusterCa);
            return new Dictionary<string, string?>
            {
                ["Serving:TlsCertFile"] = _serving.CertificatePath,
                ["Serving:TlsPrivateKeyFile"] = _serving.KeyPath,
                ["Serving:ClientCaFile"] = _clientCa.CertificatePath,
                ["Tls:ReloadInterval"] = "00:00:01",
                ["ApiServer:Kubeconfig"] = kubeconfig,
                ["ApiServer:ConnectionLifetime"] = "00:00:01",
            };
        });
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ServingCertificate_RotatedUnderLoad_NewHandshakesPresentItAndNothingFails()
    {
        using var developer = _gateway.User("developer");
        using var renewed = TestPki.IssueServer(_gateway.Pki.ClusterCa, "apiproxygateway-renewed", [IPAddress.Loopback]);
        await using var load = Load.Start(_gateway, developer);
        await TestWait.UntilAsync(() => load.Succeeded > 0, "requests succeed before the rotation", Patience);

        _serving.Write(renewed);
        await TestWait.UntilAsync(async _ => (await PresentedCertificateAsync()).Thumbprint == renewed.Thumbprint, "new handshakes present the renewed serving certificate", Patience, TestContext.Current.CancellationToken);
        var atRotation = load.Succeeded;
        await TestWait.UntilAsync(() => load.Succeeded > atRotation, "requests succeed after the rotation", Patience);
        await load.StopAsync();

        Assert.True(load.Succeeded > 0);
        Assert.Equal(0, load.Failed);
    }

    [Fact]
    public async Task ClientCa_RotatedToIncludeANewCa_AcceptsItsClientsAndStillTheOldOnes()
    {
        using var newCa = TestPki.CreateAuthority("next-cluster-ca");
        using var fromNewCa = TestPki.IssueClient(newCa, "developer");
        using var fromOldCa = _gateway.User("developer");
        await using var load = Load.Start(_gateway, fromOldCa);
        await TestWait.UntilAsync(() => load.Succeeded > 0, "requests succeed before the rotation", Patience);

        _clientCa.WriteBundle(_gateway.Pki.ClusterCa, newCa);
        await TestWait.UntilAsync(async token =>
        {
            using var client = _gateway.CreateClient(fromNewCa);
            using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", token);
            return response.StatusCode == HttpStatusCode.OK;
        }, "a client of the new CA is served", Patience, TestContext.Current.CancellationToken);
        var atRotation = load.Succeeded;
        await TestWait.UntilAsync(() => load.Succeeded > atRotation, "requests succeed after the rotation", Patience);
        await load.StopAsync();

        Assert.Equal(0, load.Failed);
    }

    [Fact]
    public async Task ApiServerClientCertificate_RotatedUnderLoad_NewConnectionsPresentIt()
    {
        using var developer = _gateway.User("developer");
        using var renewed = TestPki.IssueClient(_gateway.Pki.ClusterCa, "apiproxygateway");
        await using var load = Load.Start(_gateway, developer);
        await TestWait.UntilAsync(() => load.Succeeded > 0, "requests succeed before the rotation", Patience);

        _apiServerClient.Write(renewed);
        await TestWait.UntilAsync(() => _gateway.ApiServer.Forwarded.Any(r => r.ClientThumbprint == renewed.Thumbprint), "the API server sees the renewed client certificate", Patience);
        var atRotation = load.Succeeded;
        await TestWait.UntilAsync(() => load.Succeeded > atRotation, "requests succeed after the rotation", Patience);
        await load.StopAsync();

        Assert.Equal(0, load.Failed);
    }

    [Fact]
    public async Task ServingCertificate_ReplacedByGarbage_KeepsTheOldOneAndServes()
    {
        using var developer = _gateway.User("developer");
        var before = (await PresentedCertificateAsync()).Thumbprint;
        await using var load = Load.Start(_gateway, developer);
        await TestWait.UntilAsync(() => load.Succeeded > 0, "requests succeed before the rotation", Patience);

        _serving.WriteRaw("not a certificate", "not a key");
        await TestWait.UntilAsync(async _ => (await MetricsAsync()).Contains("plane=\"serving\",result=\"failure\"", StringComparison.Ordinal), "/metrics counts a failed serving reload", Patience, TestContext.Current.CancellationToken);
        var after = (await PresentedCertificateAsync()).Thumbprint;
        var atRotation = load.Succeeded;
        await TestWait.UntilAsync(() => load.Succeeded > atRotation, "requests succeed after the rotation", Patience);
        await load.StopAsync();

        Assert.Equal(before, after);
        Assert.Equal(0, load.Failed);
    }

    private async Task<string> MetricsAsync()
    {
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };
        return await operations.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }

    private async Task<X509Certificate2> PresentedCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Url.Host, _gateway.Url.Port, TestContext.Current.CancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = _gateway.ValidateServer,
        }, TestContext.Current.CancellationToken);
        return new X509Certificate2(ssl.RemoteCertificate!);
    }

    /// <summary>Requests in a loop, each on a new connection (so each is a new handshake), counting failures.</summary>
    private sealed class Load : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _succeeded;
        private int _failed;

        private Load(GatewayUnderTest gateway, X509Certificate2 user) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = gateway.CreateClient(user);
                    using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", _stop.Token);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _succeeded : ref _failed);
                    await Task.Delay(10, _stop.Token); // steady, not saturating: the point is continuity, not throughput
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        });

        public int Succeeded => Volatile.Read(ref _succeeded);

        public int Failed => Volatile.Read(ref _failed);

        public static Load Start(GatewayUnderTest gateway, X509Certificate2 user) => new(gateway, user);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }
}
