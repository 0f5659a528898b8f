using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.Egress;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Protocols.Konnectivity;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// The seam: <see cref="UpstreamConnector"/> dialling a real TLS upstream through a real Konnectivity ProxyService.
/// TLS stays end to end, with the same verification and the same messages as a direct connection; egress faults
/// become upstream failures that name the egress.
/// </summary>
public sealed class UpstreamConnectorEgressTests : IAsyncLifetime
{
    private const string Kubelet = "kubelet on node \"node-a\"";
    private readonly TestPki _pki = new();
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"apg-upc-{Guid.NewGuid():N}"[..16] + ".sock");
    private TestKonnectivityServer _server = null!;
    private TestApiServer _upstream = null!;
    private EgressSelector _egress = null!;
    private X509Certificate2 _client = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestKonnectivityServer.StartAsync(_socket);
        _upstream = await TestApiServer.StartAsync(TestPki.IssueServer(_pki.ClusterCa, "node-a", [IPAddress.Loopback]), _pki.ClusterCa);
        _client = TestPki.IssueClient(_pki.ClusterCa, "apiproxygateway-kubelet-client");
        _egress = TestEgress.Selector(TestEgress.WriteConfiguration(_pki.Directory, TestEgress.Selection("cluster", "GRPC", $$"""{ uds: { udsName: "{{_socket}}" } }""")));
    }

    public async ValueTask DisposeAsync()
    {
        _egress.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _client.Dispose();
        File.Delete(_socket);
        _pki.Dispose();
    }

    [Fact]
    public async Task Kubelet_ThroughGrpc_CompletesTheVerifiedHandshakeWithTheUpstreamItself()
    {
        await using var ssl = await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10));

        Assert.True(ssl.IsAuthenticated);
        Assert.Equal("CN=node-a", ssl.RemoteCertificate!.Subject);
        var dial = (await _server.TunnelAsync(1)).Received.First(p => p.Type == PacketType.DialReq).DialRequest;
        Assert.Equal($"127.0.0.1:{_upstream.Url.Port}", dial.Address);
    }

    [Fact]
    public async Task Kubelet_UntrustedCertificateThroughGrpc_FailsExactlyAsADirectConnectionDoes()
    {
        using var direct = TestEgress.Selector(TestEgress.WriteConfiguration(_pki.Directory, TestEgress.Selection("cluster", "Direct", "null")));

        var throughEgress = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.OtherCa, TimeSpan.FromSeconds(10)));
        var straight = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(direct, "kubelet", _pki.OtherCa, TimeSpan.FromSeconds(10)));

        Assert.Equal(UpstreamFailure.TlsVerification, throughEgress.Failure);
        Assert.Equal(UpstreamTlsFailure.UnknownAuthority, throughEgress.TlsFailure);
        Assert.Equal(straight.Reason, throughEgress.Reason);
        Assert.Equal("tls: failed to verify certificate: certificate signed by unknown authority (issuer 'CN=test-cluster-ca')", throughEgress.Reason);
        Assert.Single(_server.Tunnels);
    }

    [Fact]
    public async Task Kubelet_AgentCannotDial_IsA502NamingTheNodeAndTheEgress()
    {
        _server.OnDial = _ => DialAnswer.Refuse("the Konnectivity agent for node-a is not connected");

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)));
        var status = await StatusAsync(failure);

        Assert.Equal(UpstreamFailure.EgressRefused, failure.Failure);
        Assert.Equal(502, (int)status["code"]!);
        Assert.Equal(
            $"error dialing the kubelet on node \"node-a\": the Konnectivity server (GRPC over unix:{_socket}) could not dial 127.0.0.1:{_upstream.Url.Port}: the Konnectivity agent for node-a is not connected",
            (string)status["message"]!);
    }

    [Fact]
    public async Task Kubelet_NoAgentForTheNode_IsA503NamingTheNodeAndTheServersWords()
    {
        _server.OnDial = _ => DialAnswer.Refuse(KonnectivityMetadata.NoAgentAvailable);

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)));
        var status = await StatusAsync(failure);

        Assert.Equal(UpstreamFailure.EgressUnavailable, failure.Failure);
        Assert.Equal(503, (int)status["code"]!);
        Assert.Equal("ServiceUnavailable", (string)status["reason"]!);
        Assert.Equal(
            $"error dialing the kubelet on node \"node-a\": the Konnectivity server (GRPC over unix:{_socket}) could not dial 127.0.0.1:{_upstream.Url.Port}: No agent available",
            (string)status["message"]!);
        Assert.Single(_server.Tunnels); // the server answered: no retry on another connection
    }

    [Fact]
    public async Task Kubelet_AgentDidNotAnswerTheServerInTime_IsA504()
    {
        _server.OnDial = _ => DialAnswer.Refuse(KonnectivityMetadata.BackendDialTimeout);

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)));
        var status = await StatusAsync(failure);

        Assert.Equal(UpstreamFailure.Timeout, failure.Failure);
        Assert.Equal(504, (int)status["code"]!);
        Assert.EndsWith("could not dial 127.0.0.1:" + _upstream.Url.Port + ": timed out waiting for backend dial", (string)status["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubelet_HostileDialError_ReachesTheStatusOnOneBoundedPrintableLine()
    {
        _server.OnDial = _ => DialAnswer.Refuse("refused\r\nX-Injected: yes\0\u001b[31m" + new string('a', 100_000));

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)));
        var message = (string)(await StatusAsync(failure))["message"]!;

        Assert.Equal(UpstreamFailure.EgressRefused, failure.Failure);
        Assert.Contains(": refused X-Injected: yes [31maaa", message, StringComparison.Ordinal);
        Assert.DoesNotContain(message, c => char.IsControl(c));
        Assert.True(message.Length < 1_000, $"the message is {message.Length} characters");
    }

    [Fact]
    public async Task Kubelet_KonnectivityServerDown_IsA503NamingTheEgress()
    {
        using var missing = TestEgress.Selector(TestEgress.WriteConfiguration(_pki.Directory, TestEgress.Selection("cluster", "GRPC", $$"""{ uds: { udsName: "{{_socket}}.missing" } }""")));

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(missing, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)));
        var status = await StatusAsync(failure);

        Assert.Equal(UpstreamFailure.EgressUnavailable, failure.Failure);
        Assert.Equal(503, (int)status["code"]!);
        Assert.Equal("ServiceUnavailable", (string)status["reason"]!);
        Assert.Equal(
            $"error dialing the kubelet on node \"node-a\": the Konnectivity server (GRPC over unix:{_socket}.missing) is not reachable: cannot connect to unix:{_socket}.missing: no socket at that path",
            (string)status["message"]!);
    }

    [Fact]
    public async Task Kubelet_NoDialAnswerInTime_TimesOutNamingTheEgressAndWithdrawsTheDial()
    {
        _server.OnDial = _ => DialAnswer.Ignore;

        var failure = await Assert.ThrowsAsync<UpstreamConnectException>(async () => await ConnectAsync(_egress, "kubelet", _pki.ClusterCa, TimeSpan.FromMilliseconds(300)));

        Assert.Equal(UpstreamFailure.Timeout, failure.Failure);
        Assert.Equal($"timed out after 0.3s (through the Konnectivity server (GRPC over unix:{_socket}))", failure.Reason);
        await (await _server.TunnelAsync(1)).ReceivedAsync(PacketType.DialCls);
    }

    [Fact]
    public async Task ApiServer_TakesTheControlPlaneSelection_KubeletsTheClusterSelection()
    {
        using var controlPlaneOnly = TestEgress.Selector(TestEgress.WriteConfiguration(_pki.Directory,
            TestEgress.Selection("master", "GRPC", $$"""{ uds: { udsName: "{{_socket}}" } }""")));

        await using (await ConnectAsync(controlPlaneOnly, "apiserver", _pki.ClusterCa, TimeSpan.FromSeconds(10)))
        {
            Assert.Single(_server.Tunnels);
        }

        await using (await ConnectAsync(controlPlaneOnly, "kubelet", _pki.ClusterCa, TimeSpan.FromSeconds(10)))
        {
            Assert.Single(_server.Tunnels);
        }

        Assert.Equal("grpc", controlPlaneOnly.ControlPlane.AuditName);
        Assert.Null(controlPlaneOnly.Cluster.AuditName);
    }

    private async Task<SslStream> ConnectAsync(EgressSelector egress, string kind, X509Certificate2 trust, TimeSpan timeout)
    {
        var metrics = new GatewayMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var connector = new UpstreamConnector(egress, metrics, TimeProvider.System);
        var upstreamTrust = new UpstreamTrust([trust], "127.0.0.1") { ClientCertificate = SslStreamCertificateContext.Create(_client, null, offline: true) };
        return await connector.ConnectAsync(kind, Kubelet, new IPEndPoint(IPAddress.Loopback, _upstream.Url.Port), upstreamTrust, timeout, TestWait.Timeout());
    }

    private static async Task<JsonObject> StatusAsync(UpstreamConnectException failure)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await KubeletResponses.WriteConnectFailureAsync(context, failure);
        context.Response.Body.Position = 0;
        return (JsonObject)JsonNode.Parse(context.Response.Body)!;
    }
}
