using System.Net;
using ApiProxyGateway.Sandbox.ApiServer;

namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>
/// A real request through the gateway process, traced: the spans arrive at an OTLP/HTTP receiver over verified TLS,
/// form one tree under ASP.NET Core's request span, and the <c>traceparent</c> the kubelet and the API server received
/// names the gateway's span in that trace. The caller's own trace context is linked, never continued, never passed on.
/// </summary>
public sealed class TracingTests(TracingSandboxFixture fixture) : IClassFixture<TracingSandboxFixture>
{
    private const string SubjectAccessReviews = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    [Fact]
    public async Task PodLog_Traced_SpansFormOneTreeAndTheKubeletContinuesTheGatewaysTrace()
    {
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.RequestWithCallersTrace("/api/v1/namespaces/demo/pods/talker/log?tailLines=1&container=talker");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("talk", body, StringComparison.Ordinal);
        var atKubelet = Assert.Single(fixture.Host.KubeletRequestLog.Entries, e => e.PathAndQuery.StartsWith("/containerLogs/demo/talker/talker", StringComparison.Ordinal));
        var (traceId, kubeletParent) = TraceParentOf(atKubelet);
        AssertNoCallersContext(atKubelet, traceId);

        var (trace, server) = await ReceivedTraceAsync(traceId);
        Assert.Equal("GET log", server.Name);
        Assert.Equal("", server.ParentSpanId);
        Assert.Equal("gateway-under-test", server.Service);
        Assert.Equal([(CallersTrace.TraceId, CallersTrace.SpanId)], server.Links);

        var authenticate = Assert.Single(trace, s => s.Name == "authenticate");
        Assert.Equal(server.SpanId, authenticate.ParentSpanId);
        Assert.Equal("admin", authenticate.Attribute("enduser.id"));

        var review = Assert.Single(trace, s => s.Name == "SubjectAccessReview");
        Assert.Equal(server.SpanId, review.ParentSpanId);
        Assert.Equal("pods/log", review.Attribute("apiproxygateway.authorization.resource"));
        Assert.Equal("miss", review.Attribute("apiproxygateway.authorization.cache"));
        Assert.Equal("allowed", review.Attribute("apiproxygateway.authorization.decision"));
        var reviewAtApiServer = Assert.Single(fixture.Host.RequestLog.Entries, e => e.PathAndQuery.StartsWith(SubjectAccessReviews, StringComparison.Ordinal) && e.HeaderValues("traceparent").Any(v => v.Contains(traceId, StringComparison.Ordinal)));
        Assert.Equal((traceId, review.SpanId), TraceParentOf(reviewAtApiServer));
        AssertNoCallersContext(reviewAtApiServer, traceId);

        // The kubelet's traceparent names the gateway's client span; the connection it opened is that span's child.
        var toKubelet = Assert.Single(trace, s => s.Kind == "Client");
        Assert.Equal("GET kubelet", toKubelet.Name);
        Assert.Equal(server.SpanId, toKubelet.ParentSpanId);
        Assert.Equal(kubeletParent, toKubelet.SpanId);
        Assert.Equal("200", toKubelet.Attribute("http.response.status_code"));
        var connect = Assert.Single(trace, s => s.Name == "upstream.connect");
        Assert.Equal(toKubelet.SpanId, connect.ParentSpanId);
        Assert.Equal("kubelet", connect.Attribute("apiproxygateway.upstream"));
        Assert.Equal(connect.SpanId, Assert.Single(trace, s => s.Name == "egress.dial").ParentSpanId);
        var handshake = Assert.Single(trace, s => s.Name == "tls.handshake");
        Assert.Equal(connect.SpanId, handshake.ParentSpanId);
        Assert.False(handshake.Failed);

        var relay = Assert.Single(trace, s => s.Name == "relay");
        Assert.Equal(server.SpanId, relay.ParentSpanId);
        Assert.Equal("logs", relay.Attribute("apiproxygateway.stream.kind"));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), relay.Attribute("apiproxygateway.stream.bytes_out"));
    }

    [Fact]
    public async Task PassThrough_Traced_TheApiServerGetsOnlyTheGatewaysTraceparent()
    {
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.RequestWithCallersTrace("/api/v1/namespaces/demo/pods/talker");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var atApiServer = Assert.Single(fixture.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/demo/pods/talker" && e.HeaderValues("Impersonate-User").Contains("admin"));
        var (traceId, parent) = TraceParentOf(atApiServer);
        AssertNoCallersContext(atApiServer, traceId);

        var (trace, server) = await ReceivedTraceAsync(traceId);
        Assert.Equal("GET passthrough", server.Name);
        Assert.Equal([(CallersTrace.TraceId, CallersTrace.SpanId)], server.Links);
        var toApiServer = Assert.Single(trace, s => s.Kind == "Client");
        Assert.Equal("GET API server", toApiServer.Name);
        Assert.Equal(server.SpanId, toApiServer.ParentSpanId);
        Assert.Equal(parent, toApiServer.SpanId);
        Assert.All(trace, span => Assert.Equal("gateway-under-test", span.Service));
    }

    [Fact]
    public async Task MalformedCallerTraceparent_IsNeitherLinkedNorPassedOn()
    {
        using var invoker = fixture.Invoker("admin");
        using var request = GatewayClientsRequest("/api/v1/namespaces/demo/pods/server");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{CallersTrace.TraceId.ToUpperInvariant()}-{CallersTrace.SpanId}-01");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var atApiServer = Assert.Single(fixture.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/demo/pods/server" && e.HeaderValues("Impersonate-User").Contains("admin"));
        var (_, server) = await ReceivedTraceAsync(TraceParentOf(atApiServer).TraceId);
        Assert.Empty(server.Links);
    }

    /// <summary>The spans of one trace, once its request span (which ends last) has arrived, and that span.</summary>
    private async Task<(List<ReceivedSpan> Trace, ReceivedSpan Server)> ReceivedTraceAsync(string traceId)
    {
        await fixture.Receiver.UntilAsync(spans => spans.Any(s => s.TraceId == traceId && s.Kind == "Server"), $"the request span of trace {traceId} is received");
        var trace = fixture.Receiver.Spans.Where(s => s.TraceId == traceId).ToList();
        return (trace, Assert.Single(trace, s => s.Kind == "Server"));
    }

    private HttpRequestMessage GatewayClientsRequest(string pathAndQuery) =>
        Gateway.GatewayClients.Request(fixture.Host, HttpMethod.Get, pathAndQuery);

    /// <summary>The trace id and parent span id of the one well-formed traceparent an upstream received.</summary>
    private static (string TraceId, string ParentSpanId) TraceParentOf(RequestLogEntry entry)
    {
        var value = Assert.Single(entry.HeaderValues("traceparent"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", value);
        return (value[3..35], value[36..52]);
    }

    private static void AssertNoCallersContext(RequestLogEntry entry, string traceId)
    {
        Assert.NotEqual(CallersTrace.TraceId, traceId);
        Assert.All(CallersTrace.HeaderNames.Skip(1), name => Assert.Empty(entry.HeaderValues(name)));
    }
}
