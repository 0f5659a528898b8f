using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>Sends an HTTP/1.1 upgrade request to a kubelet; on a 101 the response content is the raw connection.</summary>
internal static class KubeletUpgrade
{
    /// <summary>The client's headers that define the upgraded protocol, passed on as they are.</summary>
    private static readonly string[] PassedHeaders = ["Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "User-Agent"];

    /// <summary>The client's own upgrade (SPDY or WebSocket), same method, same protocol headers.</summary>
    public static Task<HttpResponseMessage> PassThroughAsync(HttpMessageInvoker invoker, HttpContext http, Uri uri)
    {
        var request = Create(new HttpMethod(http.Request.Method), uri, http.Request.Headers.Upgrade.ToString(), http.Connection.RemoteIpAddress?.ToString());
        foreach (var name in PassedHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, values.ToString());
            }
        }

        foreach (var version in ProtocolNegotiation.Split(http.Request.Headers[StreamProtocols.ProtocolVersionHeader]))
        {
            request.Headers.TryAddWithoutValidation(StreamProtocols.ProtocolVersionHeader, version);
        }

        return SendAsync(invoker, request, http.RequestAborted);
    }

    /// <summary>A SPDY/3.1 POST of our own (translation and tunnelling), offering <paramref name="protocols"/>.</summary>
    public static Task<HttpResponseMessage> SpdyAsync(HttpMessageInvoker invoker, Uri uri, IEnumerable<string> protocols, string? forwardedFor, CancellationToken cancellationToken)
    {
        var request = Create(HttpMethod.Post, uri, StreamProtocols.SpdyUpgrade, forwardedFor);
        foreach (var protocol in protocols)
        {
            request.Headers.TryAddWithoutValidation(StreamProtocols.ProtocolVersionHeader, protocol);
        }

        return SendAsync(invoker, request, cancellationToken);
    }

    private static HttpRequestMessage Create(HttpMethod method, Uri uri, string upgrade, string? forwardedFor)
    {
        var request = new HttpRequestMessage(method, uri) { Version = System.Net.HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker invoker, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await invoker.SendAsync(request, cancellationToken);
        }
    }
}
