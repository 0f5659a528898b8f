using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>
/// The one upstream certificate verification, fault by fault, over a real TLS handshake on loopback: as every pool
/// uses it (through <see cref="UpstreamConnector"/>, whose reason is the 502 message and whose label is the metric) and
/// as the KubernetesClient handler uses it (<see cref="UpstreamCertificateCheck.ValidateWithOwnChain"/>). The kubelet
/// rows use the real kubelet trust (<see cref="KubeletTlsProvider.TrustFor"/>) for node "node-a" dialled at 127.0.0.1.
/// </summary>
public sealed class UpstreamTrustTests : IDisposable
{
    private const string Node = "system:node:node-a";
    private static readonly string[] Nodes = ["system:nodes"];
    private static readonly string[] ServiceNames = ["web.demo.svc", "web.demo.svc.cluster.local"];
    private static readonly IPAddress[] Loopback = [IPAddress.Loopback];

    private readonly TestPki _pki = new();
    private readonly List<X509Certificate2> _served = [];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    /// <summary>Each fault, its label (the <see cref="UpstreamTlsFailure"/>), and the detail of the message ({NotAfter}, {NotBefore} and {Issuer} are the served certificate's).</summary>
    public static TheoryData<string, string, string> Faults => new()
    {
        { "unknown-ca", "UnknownAuthority", "certificate signed by unknown authority (issuer '{Issuer}')" },
        { "self-signed", "UnknownAuthority", "certificate signed by unknown authority (issuer '{Issuer}')" },
        { "expired", "Expired", "the certificate expired at {NotAfter}" },
        { "not-yet-valid", "NotYetValid", "the certificate is not valid before {NotBefore}" },
        { "wrong-address", "NameMismatch", "the certificate is not valid for the dialled address (subject alternative names do not match)" },
        { "wrong-service-name", "NameMismatch", "the certificate is not valid for web.demo.svc or web.demo.svc.cluster.local (subject alternative names do not match)" },
        { "wrong-node", "WrongIdentity", "the certificate belongs to \"system:node:node-b\", not \"system:node:node-a\"" },
        { "not-a-node", "WrongIdentity", "the certificate subject lacks O=system:nodes" },
        { "client-usage-only", "WrongUsage", "the certificate does not allow server authentication" },
        { "negative-serial", "InsecureCertificate", "the certificate has a negative serial number, which Kubernetes does not accept" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Connect_ServingCertificateFault_IsRefusedWithItsReasonAndCountedUnderItsLabel(string fault, string label, string detail)
    {
        var (serving, trust, now) = Case(fault);
        var metrics = TestMetrics.Create();
        using var failures = new MetricCollector<long>(metrics.Meter, "apiproxygateway.upstream.tls.failures");
        var connector = DirectConnector(metrics, new FakeTimeProvider(now));

        var error = await ServeAsync(serving, endpoint => Assert.ThrowsAsync<UpstreamConnectException>(
            () => connector.ConnectAsync("kubelet", "kubelet on node \"node-a\"", endpoint, trust, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)));

        Assert.Equal(UpstreamFailure.TlsVerification, error.Failure);
        Assert.Equal(label, error.TlsFailure.ToString());
        Assert.Equal(label, error.Label);
        Assert.Equal($"tls: failed to verify certificate: {Expand(detail, serving)}", error.Reason);
        var counted = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(label, counted.Tags["reason"]);
        Assert.Equal("kubelet", counted.Tags["upstream"]);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task ValidateWithOwnChain_ServingCertificateFault_IsJudgedAsTheConnectorJudgesIt(string fault, string label, string detail)
    {
        var (serving, trust, now) = Case(fault);
        var check = new UpstreamCertificateCheck(trust, now);

        // As KubernetesClient's handler does it: no chain policy of ours, so SslStream builds against the system store.
        await ServeAsync(serving, endpoint => Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(endpoint, new SslClientAuthenticationOptions
        {
            TargetHost = trust.ServerName,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => check.ValidateWithOwnChain(certificate, chain, errors),
        })));

        Assert.Equal(label, check.Failure.ToString());
        Assert.Equal(Expand(detail, serving), check.Detail);
    }

    /// <summary>As with a kubeconfig tls-server-name: the handler checks the dialled host, the certificate names another name.</summary>
    [Fact]
    public async Task ValidateWithOwnChain_CertificateForTheAcceptedNameNotTheDialledHost_IsAccepted()
    {
        using var serving = TestPki.IssueServer(_pki.ClusterCa, "kube-apiserver", [IPAddress.Parse("192.0.2.10")], ["apiserver.internal"]);
        var check = new UpstreamCertificateCheck(new UpstreamTrust([_pki.ClusterCa], "apiserver.internal") { AcceptedNames = ["apiserver.internal"] }, _now);

        await ServeAsync(serving, async endpoint =>
        {
            await HandshakeAsync(endpoint, new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => check.ValidateWithOwnChain(certificate, chain, errors),
            });
            return true;
        });

        Assert.Equal(UpstreamTlsFailure.None, check.Failure);
    }

    [Fact]
    public async Task Connect_KubeletCertificateOfTheNode_IsAcceptedAndTheGatewayPresentsItsClientCertificate()
    {
        using var serving = TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes);
        var connector = DirectConnector(TestMetrics.Create(), new FakeTimeProvider(_now));
        string? presented = null;

        var peer = await ServeAsync(serving, async endpoint =>
        {
            await using var ssl = await connector.ConnectAsync("kubelet", "kubelet", endpoint, KubeletTrust(), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return ssl.RemoteCertificate?.GetCertHashString(HashAlgorithmName.SHA256);
        }, requireClientCertificate: true, seen: certificate => presented = certificate?.Subject);

        Assert.Equal(serving.GetCertHashString(HashAlgorithmName.SHA256), peer);
        Assert.Equal("CN=gateway", presented);
    }

    /// <summary>The connection comes back with OpenSSL free to drop its record buffers while it is quiet (<see cref="IdleTlsBuffers"/>).</summary>
    [Fact]
    public async Task Connect_Verified_ReturnsAConnectionThatReleasesItsRecordBuffersWhileQuiet()
    {
        using var serving = TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes);
        var connector = DirectConnector(TestMetrics.Create(), new FakeTimeProvider(_now));

        var mode = await ServeAsync(serving, async endpoint =>
        {
            await using var ssl = await connector.ConnectAsync("kubelet", "kubelet", endpoint, KubeletTrust(), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return IdleTlsBuffers.Mode(ssl);
        }, requireClientCertificate: true);

        Assert.NotEqual(0, mode & 0x10); // SSL_MODE_RELEASE_BUFFERS
    }

    [Fact]
    public async Task Connect_NodeIdentityCheckDisabled_AcceptsAnotherNodesCertificate()
    {
        using var serving = TestPki.IssueServer(_pki.KubeletCa, "system:node:node-b", Loopback, organizations: Nodes);
        var connector = DirectConnector(TestMetrics.Create(), new FakeTimeProvider(_now));

        var peer = await ServeAsync(serving, async endpoint =>
        {
            await using var ssl = await connector.ConnectAsync("kubelet", "kubelet", endpoint, KubeletTrust(disableNodeIdentity: true), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return ssl.RemoteCertificate?.Subject;
        });

        Assert.Equal(serving.Subject, peer);
    }

    /// <summary>
    /// Not over a handshake: OpenSSL will not serve a SHA-1-signed certificate at its default security level, but a
    /// server on another TLS stack can, and Go would refuse it.
    /// </summary>
    [Fact]
    public void ValidateWithOwnChain_Sha1SignedCertificate_IsRefusedAsKubernetesRefusesIt()
    {
        using var issued = TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes);
        using var certificate = TestPki.Reissue(issued, _pki.KubeletCa, HashAlgorithmName.SHA1);
        var check = new UpstreamCertificateCheck(KubeletTrust(), _now);

        Assert.False(check.ValidateWithOwnChain(certificate, null, SslPolicyErrors.None));
        Assert.Equal(UpstreamTlsFailure.InsecureCertificate, check.Failure);
        Assert.Equal("the certificate is signed with ECDSA with SHA-1, which Kubernetes does not accept", check.Detail);
    }

    [Fact]
    public void Validate_NoCertificate_IsRefusedAsSuch()
    {
        var check = new UpstreamCertificateCheck(new UpstreamTrust([_pki.KubeletCa], "127.0.0.1"), _now);

        Assert.False(check.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Equal(UpstreamTlsFailure.NoCertificate, check.Failure);
        Assert.Equal("the server presented no certificate", check.Detail);
    }

    public void Dispose()
    {
        foreach (var certificate in _served)
        {
            certificate.Dispose();
        }

        _pki.Dispose();
    }

    private static string Expand(string detail, X509Certificate2 serving) => detail
        .Replace("{NotAfter}", serving.NotAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{NotBefore}", serving.NotBefore.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{Issuer}", serving.Issuer, StringComparison.Ordinal);

    /// <summary>The certificate the upstream serves for <paramref name="fault"/>, the trust the gateway applies and the time it checks at.</summary>
    private (X509Certificate2 Serving, UpstreamTrust Trust, DateTimeOffset Now) Case(string fault)
    {
        var kubelet = KubeletTrust();
        var served = fault switch
        {
            "unknown-ca" => (TestPki.IssueServer(_pki.OtherCa, Node, Loopback, organizations: Nodes), kubelet, _now),
            "self-signed" => (TestPki.CreateAuthority(Node), kubelet, _now),
            "expired" => (TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes), kubelet, _now.AddDays(10)), // the CA lasts 30 days, the certificate 7
            "not-yet-valid" => (TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes, notBefore: _now.AddDays(1)), kubelet, _now),
            "wrong-address" => (TestPki.IssueServer(_pki.KubeletCa, Node, [IPAddress.Parse("192.0.2.10")], ["node-a.example"], Nodes), kubelet, _now),
            "wrong-service-name" => (TestPki.IssueServer(_pki.WorkloadCa, "web", Loopback, ["other.demo.svc"]),
                new UpstreamTrust([_pki.WorkloadCa], ServiceNames[0]) { AcceptedNames = ServiceNames }, _now),
            "wrong-node" => (TestPki.IssueServer(_pki.KubeletCa, "system:node:node-b", Loopback, organizations: Nodes), kubelet, _now),
            "not-a-node" => (TestPki.IssueServer(_pki.KubeletCa, Node, Loopback), kubelet, _now),
            "client-usage-only" => (TestPki.IssueClient(_pki.KubeletCa, Node, Nodes), kubelet, _now),
            "negative-serial" => (WithKeyOf(TestPki.IssueServer(_pki.KubeletCa, Node, Loopback, organizations: Nodes),
                issued => TestPki.Reissue(issued, _pki.KubeletCa, HashAlgorithmName.SHA256, [0x80, 0x01, 0x02, 0x03])), kubelet, _now),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault"),
        };
        _served.Add(served.Item1);
        return served;
    }

    /// <summary>The gateway's kubelet trust for node-a at 127.0.0.1, from the kubelet plane's own material.</summary>
    private UpstreamTrust KubeletTrust(bool disableNodeIdentity = false)
    {
        var time = new FakeTimeProvider(_now);
        var client = _pki.Write(TestPki.IssueClient(_pki.KubeletClientCa, "gateway"), "kubelet-client");
        var options = Options.Create(new KubeletOptions
        {
            CertificateAuthority = _pki.Write(_pki.KubeletCa, "kubelet-ca").Certificate,
            ClientCertificate = client.Certificate,
            ClientKey = client.Key,
            DisableNodeIdentityValidation = disableNodeIdentity,
        });
        var provider = new KubeletTlsProvider(options, new CertificateInventory(TestMetrics.Create(), time), new ReloadRegistry(), time);
        return provider.TrustFor(new KubeletTarget("node-a", IPAddress.Loopback, "127.0.0.1", 10250));
    }

    /// <summary>A certificate re-signed by <paramref name="reissue"/>, carrying the original's private key so that it can be served.</summary>
    private static X509Certificate2 WithKeyOf(X509Certificate2 issued, Func<X509Certificate2, X509Certificate2> reissue)
    {
        using (issued)
        using (var key = issued.GetECDsaPrivateKey() ?? throw new InvalidOperationException("test certificates carry ECDSA keys"))
        using (var reissued = reissue(issued))
        {
            return reissued.CopyWithPrivateKey(key);
        }
    }

    private static async Task HandshakeAsync(IPEndPoint endpoint, SslClientAuthenticationOptions options)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsClientAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Serves one TLS handshake with <paramref name="serving"/> on a loopback port while <paramref name="client"/> runs;
    /// with <paramref name="requireClientCertificate"/> it asks for a client certificate and refuses to go on without one.
    /// </summary>
    private static async Task<T> ServeAsync<T>(X509Certificate2 serving, Func<IPEndPoint, Task<T>> client, bool requireClientCertificate = false, Action<X509Certificate?>? seen = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync(stop.Token);
            await using var ssl = new SslStream(accepted.GetStream());
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = SslStreamCertificateContext.Create(serving, additionalCertificates: null, offline: true),
                    ClientCertificateRequired = requireClientCertificate,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        seen?.Invoke(certificate);
                        return !requireClientCertificate || certificate is not null;
                    },
                }, stop.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                // The client refused the certificate: the client side says why.
            }
        }, stop.Token);
        try
        {
            return await client((IPEndPoint)listener.LocalEndpoint);
        }
        finally
        {
            // With TLS 1.3 the client is done before the server has read its certificate: let the server finish
            // (it does as soon as the client closes or the handshake completes), and only then stop it.
            await server.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                .WaitAsync(TestWait.OperationTimeout, CancellationToken.None)
                .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await stop.CancelAsync();
            listener.Stop();
            await server.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>A connector that dials directly, as without an egress selector file.</summary>
    private static UpstreamConnector DirectConnector(GatewayMetrics metrics, TimeProvider time) =>
        new(new EgressSelector(Options.Create(new EgressOptions()), new ReloadRegistry(), new CertificateInventory(metrics, time), metrics, time, NullLoggerFactory.Instance), metrics, time);
}
