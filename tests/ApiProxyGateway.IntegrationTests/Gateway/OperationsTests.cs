using System.Net;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

public sealed class OperationsTests : IAsyncLifetime
{
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await GatewayUnderTest.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterARequest_ExposesTheGatewaysSeriesInPrometheusFormat()
    {
        using var developer = _gateway.User("developer");
        using var api = _gateway.CreateClient(developer);
        using var unauthenticated = _gateway.CreateClient(null);
        (await api.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken)).Dispose();
        (await unauthenticated.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken)).Dispose();
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        // Request metrics are recorded when a response completes, and scrapes may be cached briefly: poll.
        var text = await ScrapeUntilAsync(operations, t => t.Contains("reason=\"NoCertificate\"", StringComparison.Ordinal) && t.Contains("route=\"passthrough\"", StringComparison.Ordinal), "/metrics has the NoCertificate failure and a passthrough request");

        Assert.Contains("apiproxygateway_requests_total{", text, StringComparison.Ordinal);
        Assert.Matches("""apiproxygateway_requests_total\{[^}]*code="200"[^}]*route="passthrough"[^}]*\} [1-9]""", text);
        Assert.Matches("""apiproxygateway_authentication_failures_total\{[^}]*reason="NoCertificate"[^}]*\} [1-9]""", text);
        Assert.Contains("apiproxygateway_certificate_expiry_seconds{", text, StringComparison.Ordinal);
        Assert.Contains("plane=\"serving\"", text, StringComparison.Ordinal);
        Assert.Contains("apiproxygateway_upstream_tls_handshake_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// OpenTelemetry subscribes to meters by name across the whole process, and the tests run several gateways in one:
    /// another gateway's instruments once shared this one's series, so its counts showed here, and its stop retired
    /// those series, so this gateway's later counts were never exported (a failed reload, awaited on /metrics, timed out).
    /// </summary>
    [Fact]
    public async Task Metrics_WithAnotherGatewayInTheProcess_CountOnlyThisOneAndOutliveIt()
    {
        using var developer = _gateway.User("developer");
        using var api = _gateway.CreateClient(developer);
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };
        var other = await GatewayUnderTest.StartAsync();
        try
        {
            using var unauthenticated = other.CreateClient(null);
            using var otherOperations = new HttpClient { BaseAddress = other.OperationsUrl };
            (await unauthenticated.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken)).Dispose();
            (await api.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken)).Dispose();
            await ScrapeUntilAsync(otherOperations, t => t.Contains("reason=\"NoCertificate\"", StringComparison.Ordinal), "the other gateway's /metrics has its NoCertificate failure");
            var text = await ScrapeUntilAsync(operations, t => PassthroughRequests(t) == 1, "this gateway's /metrics counts its one request");

            Assert.DoesNotContain("reason=\"NoCertificate\"", text, StringComparison.Ordinal);
        }
        finally
        {
            await other.DisposeAsync();
        }

        // A retired series may be exported once more by the first collection after the stop: two rounds, so the second
        // comes after that collection.
        for (var expected = 2; expected <= 3; expected++)
        {
            (await api.GetAsync("/api/v1/namespaces/demo/pods", TestContext.Current.CancellationToken)).Dispose();
            await ScrapeUntilAsync(operations, t => PassthroughRequests(t) == expected, $"this gateway's /metrics counts {expected} requests after the other gateway stopped");
        }
    }

    /// <summary>The count of passthrough requests answered 200 in a scrape, or 0 when it has no such series.</summary>
    private static long PassthroughRequests(string text) => text.Split('\n')
        .Where(line => line.StartsWith("apiproxygateway_requests_total{", StringComparison.Ordinal)
            && line.Contains("code=\"200\"", StringComparison.Ordinal) && line.Contains("route=\"passthrough\"", StringComparison.Ordinal))
        .Select(line => long.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
        .Sum();

    private static async Task<(HttpStatusCode Status, string Text)> ReadyzUntilAsync(HttpClient operations, HttpStatusCode wanted)
    {
        var (status, text) = (default(HttpStatusCode), "");
        await TestWait.UntilReachableAsync(async token =>
        {
            using var response = await operations.GetAsync("/readyz?verbose", token);
            (status, text) = (response.StatusCode, await response.Content.ReadAsStringAsync(token));
            return status == wanted;
        }, $"/readyz answers {wanted}", TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        return (status, text);
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient operations, Func<string, bool> condition, string what)
    {
        var text = "";
        await TestWait.UntilAsync(async token => condition(text = await operations.GetStringAsync("/metrics", token)), what, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        return text;
    }

    [Fact]
    public async Task Metrics_OnTheApiPort_AreNotServed()
    {
        using var developer = _gateway.User("developer");
        using var api = _gateway.CreateClient(developer);

        var text = await api.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.DoesNotContain("apiproxygateway_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Livez_Answers_Ok()
    {
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        Assert.Equal("ok", await operations.GetStringAsync("/livez", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Readyz_Verbose_ListsEveryCheckInKubernetesFormat()
    {
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        // Ready once the caches have synced, which takes a moment after start.
        var (status, text) = await ReadyzUntilAsync(operations, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("[+]ping ok\n", text, StringComparison.Ordinal);
        Assert.Contains("[+]certificates ok\n", text, StringComparison.Ordinal);
        Assert.Contains("[+]informer-sync ok\n", text, StringComparison.Ordinal);
        Assert.Contains("[+]apiserver ok\n", text, StringComparison.Ordinal);
        Assert.EndsWith("readyz check passed\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_WhenTheApiServerIsDown_Fails()
    {
        await _gateway.ApiServer.DisposeAsync();
        using var operations = new HttpClient { BaseAddress = _gateway.OperationsUrl };

        using var response = await operations.GetAsync("/readyz?verbose", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("[-]apiserver failed: the API server does not answer", text, StringComparison.Ordinal);
        Assert.EndsWith("readyz check failed\n", text, StringComparison.Ordinal);
    }
}
