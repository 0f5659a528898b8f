using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// The whole gateway with <c>--egress-selector-config-file</c> naming a control-plane selection over HTTPConnect on a
/// Unix domain socket: every API server connection (pass-through and the gateway's own client) goes through the
/// in-test CONNECT proxy, with TLS end to end; a refusing or missing proxy shows in the Status and in /readyz.
/// </summary>
public sealed class GatewayEgressTests : IAsyncLifetime
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"apg-gwe-{Guid.NewGuid():N}"[..16] + ".sock");
    private TestConnectProxy _proxy = null!;
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _proxy = TestConnectProxy.OnUnixSocket(_socket);
        _gateway = await GatewayUnderTest.StartAsync((pki, _) => new Dictionary<string, string?>
        {
            ["Egress:SelectorConfigFile"] = TestEgress.WriteConfiguration(pki.Directory,
                TestEgress.Selection("master", "HTTPConnect", $$"""{ uds: { udsName: "{{_socket}}" } }""")),

            // Pass-through connections are replaced soon, so a refusal by the egress shows quickly.
            ["ApiServer:ConnectionLifetime"] = "00:00:01",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _proxy.DisposeAsync();
        File.Delete(_socket);
    }

    [Fact]
    public async Task PassThrough_GoesThroughTheControlPlaneEgressWithTlsToTheApiServer()
    {
        using var developer = _gateway.User("developer");
        using var client = _gateway.CreateClient(developer);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=apiproxygateway", Assert.Single(_gateway.ApiServer.Forwarded).ClientSubject);
        Assert.Contains($"CONNECT 127.0.0.1:{_gateway.ApiServer.Url.Port} HTTP/1.1", _proxy.RequestLines);
    }

    [Fact]
    public async Task PassThrough_EgressRefuses_Is503NamingTheEgressAndItsAnswer()
    {
        await WaitUntilReadyAsync();
        _proxy.Refusal = "HTTP/1.1 503 Service Unavailable\r\n\r\nno route to the control plane";
        using var developer = _gateway.User("developer");
        using var client = _gateway.CreateClient(developer, HttpVersion.Version11);

        var status = await FirstRefusedAsync(client);

        Assert.Equal(503, (int)status["code"]!);
        Assert.Equal(
            $"the API server is not reachable: the Konnectivity server (HTTPConnect over unix:{_socket}) refused CONNECT 127.0.0.1:{_gateway.ApiServer.Url.Port}: 503 Service Unavailable: no route to the control plane",
            (string)status["message"]!);
    }

    [Fact]
    public async Task Readyz_EgressServerGone_FailsNamingTheSelectionAndTheSocket()
    {
        await WaitUntilReadyAsync();
        await _proxy.DisposeAsync();
        File.Delete(_socket);
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        var text = "";
        await TestWait.UntilAsync(async token =>
        {
            using var response = await operations.GetAsync("/readyz?verbose", token);
            text = await response.Content.ReadAsStringAsync(token);
            return response.StatusCode == HttpStatusCode.InternalServerError && text.Contains("[-]egress", StringComparison.Ordinal);
        }, "/readyz reports the egress", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Contains(
            $"[-]egress failed: controlplane egress: the Konnectivity server (HTTPConnect over unix:{_socket}) is not reachable: cannot connect to unix:{_socket}: no socket at that path",
            text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountEgressDialsByProtocolAndResult()
    {
        await WaitUntilReadyAsync();
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        var text = "";
        await TestWait.UntilAsync(async token =>
        {
            text = await operations.GetStringAsync("/metrics", token);
            return text.Contains("apiproxygateway_egress_dials_total{", StringComparison.Ordinal);
        }, "/metrics has the egress dials", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Matches("""apiproxygateway_egress_dials_total\{[^}]*protocol="httpconnect"[^}]*result="success"[^}]*selection="controlplane"[^}]*transport="uds"[^}]*\} [1-9]""", text);
        Assert.Contains("apiproxygateway_egress_dial_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };
        await TestWait.UntilAsync(async token =>
        {
            using var response = await operations.GetAsync("/readyz", token);
            return response.StatusCode == HttpStatusCode.OK;
        }, "the gateway is ready (its caches synced through the egress)", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
    }

    /// <summary>Sends until a request needs a new connection to the API server (pooled ones predate the refusal) and returns its Status.</summary>
    private static async Task<JsonObject> FirstRefusedAsync(HttpClient client)
    {
        JsonObject? status = null;
        await TestWait.UntilAsync(async token =>
        {
            using var response = await client.GetAsync("/api/v1/namespaces/demo/pods?limit=1", token);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return false;
            }

            status = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(token))!;
            return true;
        }, "a pass-through request is refused by the egress", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return status!;
    }
}
