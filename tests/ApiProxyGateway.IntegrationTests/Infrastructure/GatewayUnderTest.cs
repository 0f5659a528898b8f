using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>
/// The real gateway (its Program, on real Kestrel with TLS) in front of a <see cref="TestApiServer"/>, both on
/// loopback, with a fresh test PKI. Tests talk to it with real client certificates.
/// </summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly Factory _factory;

    private GatewayUnderTest(TestPki pki, TestApiServer apiServer, Factory factory, Uri url, Uri operationsUrl)
    {
        OperationsUrl = operationsUrl;
        Pki = pki;
        ApiServer = apiServer;
        _factory = factory;
        Url = url;
    }

    public TestPki Pki { get; }

    public TestApiServer ApiServer { get; }

    public Uri Url { get; }

    /// <summary>The plain-HTTP operations listener: metrics and health.</summary>
    public Uri OperationsUrl { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Every record the gateway has logged so far.</summary>
    public FakeLogCollector Logs => _factory.Services.GetRequiredService<FakeLogCollector>();

    public static Task<GatewayUnderTest> StartAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync((_, _) => settings ?? new Dictionary<string, string?>());

    /// <summary>
    /// Starts with settings that may depend on the test PKI and API server (e.g. files the test will rotate), and an
    /// API server speaking <paramref name="apiServerProtocols"/>; <paramref name="services"/> adds test observers to the
    /// gateway's services.
    /// </summary>
    public static async Task<GatewayUnderTest> StartAsync(Func<TestPki, TestApiServer, IReadOnlyDictionary<string, string?>> settingsFor, HttpProtocols apiServerProtocols = HttpProtocols.Http1AndHttp2, Action<IServiceCollection>? services = null)
    {
        var pki = new TestPki();
        var apiServer = await TestApiServer.StartAsync(
            TestPki.IssueServer(pki.ClusterCa, "kube-apiserver", [IPAddress.Loopback]), pki.ClusterCa, apiServerProtocols);
        var settings = settingsFor(pki, apiServer);

        var clusterCa = pki.Write(pki.ClusterCa, "cluster-ca").Certificate;
        var serving = pki.Write(TestPki.IssueServer(pki.ClusterCa, "apiproxygateway", [IPAddress.Loopback]), "gateway");
        var gatewayClient = pki.Write(TestPki.IssueClient(pki.ClusterCa, "apiproxygateway"), "gateway-client");
        var kubeletCa = pki.Write(pki.KubeletCa, "kubelet-ca").Certificate;
        var kubeletClient = pki.Write(TestPki.IssueClient(pki.KubeletClientCa, "apiproxygateway-kubelet-client"), "gateway-kubelet-client");
        var workloadClient = pki.Write(TestPki.IssueClient(pki.WorkloadCa, "apiproxygateway"), "gateway-workload-client");
        var kubeconfig = WriteKubeconfig(Path.Combine(pki.Directory, "gateway.kubeconfig"), apiServer.Url, clusterCa, gatewayClient.Certificate, gatewayClient.Key);

        var configuration = new Dictionary<string, string?>
        {
            ["Serving:BindAddress"] = "127.0.0.1",
            ["Serving:SecurePort"] = "0",
            ["Serving:TlsCertFile"] = serving.Certificate,
            ["Serving:TlsPrivateKeyFile"] = serving.Key,
            ["Serving:ClientCaFile"] = clusterCa,
            ["ApiServer:Kubeconfig"] = kubeconfig,
            ["Kubelet:CertificateAuthority"] = kubeletCa,
            ["Kubelet:ClientCertificate"] = kubeletClient.Certificate,
            ["Kubelet:ClientKey"] = kubeletClient.Key,
            ["Proxy:ClientCertificate"] = workloadClient.Certificate,
            ["Proxy:ClientKey"] = workloadClient.Key,
            ["Proxy:WorkloadCertificateAuthority"] = pki.Write(pki.WorkloadCa, "workload-ca").Certificate,
            ["Audit:Path"] = Path.Combine(pki.Directory, "audit.log"),
            ["Shutdown:ReadinessGracePeriod"] = "00:00:00",
            ["Shutdown:DrainPeriod"] = "00:00:01",
            ["Operations:BindAddress"] = "127.0.0.1",
            ["Operations:Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        Factory factory;
        try
        {
            factory = await StartFactoryAsync(configuration, pickOperationsPort: !settings.ContainsKey("Operations:Port"), services);
        }
        catch
        {
            // A gateway that refuses to start (the point of some tests) leaves nothing running behind it.
            await apiServer.DisposeAsync();
            pki.Dispose();
            throw;
        }

        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.SingleOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the gateway has no API listener; it listens on [{string.Join(", ", addresses)}]");
        var operations = addresses.SingleOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the gateway has no operations listener; it listens on {string.Join(", ", addresses)}");
        return new GatewayUnderTest(pki, apiServer, factory, new Uri(address), new Uri(operations));
    }

    /// <summary>A client that trusts only the cluster CA and presents <paramref name="certificate"/> (or nothing).</summary>
    public HttpClient CreateClient(X509Certificate2? certificate, Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                CertificateChainPolicy = UpstreamTls.CreateChainPolicy([Pki.ClusterCa], now: null),
                RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None,
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = Url,
            DefaultRequestVersion = version ?? HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Validates the gateway's serving certificate against the cluster CA, as kubectl does.</summary>
    public bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors is not SslPolicyErrors.None and not SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var custom = new X509Chain { ChainPolicy = UpstreamTls.CreateChainPolicy([Pki.ClusterCa], now: null) };
        return custom.Build(new X509Certificate2(certificate));
    }

    /// <summary>A kubeconfig for the gateway's API-server identity, naming the given CA and client certificate files.</summary>
    public static string WriteKubeconfig(string path, Uri server, string caFile, string certificateFile, string keyFile) =>
        new KubeconfigBuilder()
            .Cluster("test", server, caFile)
            .User("gateway", certificateFile, keyFile)
            .Context("test", "test", "gateway")
            .WriteTo(path);

    public X509Certificate2 User(string name, params string[] groups) => TestPki.IssueClient(Pki.ClusterCa, name, groups);

    /// <summary>
    /// Starts the gateway. The operations port is picked free beforehand (0 would turn the listener off), so another
    /// process may take it before the gateway binds it, a race a loaded machine makes likely: then the gateway starts
    /// again on a newly picked port. Any other failure is the test's to see.
    /// </summary>
    private static async Task<Factory> StartFactoryAsync(Dictionary<string, string?> configuration, bool pickOperationsPort, Action<IServiceCollection>? services)
    {
        for (var attempt = 1; ; attempt++)
        {
            var factory = new Factory(configuration, services);
            factory.UseKestrel();
            try
            {
                factory.StartServer();
                return factory;
            }
            catch (Exception e) when (pickOperationsPort && attempt < 5 && IsAddressInUse(e))
            {
                await factory.DisposeAsync();
                configuration["Operations:Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch
            {
                await factory.DisposeAsync();
                throw;
            }
        }
    }

    private static bool IsAddressInUse(Exception e) => e switch
    {
        AddressInUseException => true,
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsAddressInUse),
        _ => e.InnerException is { } inner && IsAddressInUse(inner),
    };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await ApiServer.DisposeAsync();
        Pki.Dispose();
    }

    // Any type of the gateway assembly names its entry point; the Tls provider is one that tests already use.
    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<ServingTlsProvider>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
            .ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings))
            .ConfigureLogging(logging => logging.AddFakeLogging())
            .ConfigureServices(collection => services?.Invoke(collection));
    }
}
