namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>konnectivity-server refused a CONNECT: its status line and the reason it gave in the body.</summary>
internal sealed class HttpConnectException(string proxy, string target, int statusCode, string status, string reason)
    : IOException($"konnectivity-server {proxy} answered CONNECT {target} with {status}: {reason}")
{
    /// <summary>Where the CONNECT went: the socket path or the server's address.</summary>
    public string Proxy { get; } = proxy;

    public int StatusCode { get; } = statusCode;

    /// <summary>The status line's code and reason phrase, e.g. <c>503 Service Unavailable</c>.</summary>
    public string Status { get; } = status;

    public string Reason { get; } = reason;
}
