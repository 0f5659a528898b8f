namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>A caller's own trace context, in every header that can carry one: the gateway may link it, never continue or pass it on.</summary>
public static class CallersTrace
{
    public const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    public const string SpanId = "b7ad6b7169203331";

    /// <summary>The headers, in W3C and the older .NET formats.</summary>
    public static readonly string[] HeaderNames = ["traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context"];

    public static HttpRequestMessage AddTo(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{TraceId}-{SpanId}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=chosen-by-the-caller");
        request.Headers.TryAddWithoutValidation("baggage", "user=someone-else");
        request.Headers.TryAddWithoutValidation("Request-Id", "|caller.1.");
        request.Headers.TryAddWithoutValidation("Correlation-Context", "user=someone-else");
        return request;
    }
}
