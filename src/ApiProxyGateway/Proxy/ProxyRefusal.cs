namespace ApiProxyGateway.Proxy;

/// <summary>Why a proxy request cannot be served: the status code, the Kubernetes reason, and a message for people.</summary>
internal sealed record ProxyRefusal(int Code, string Reason, string Message)
{
    public static ProxyRefusal BadRequest(string message) => new(400, "BadRequest", message);

    public static ProxyRefusal Forbidden(string message) => new(403, "Forbidden", message);

    public static ProxyRefusal NotFound(string resource, string name) => new(404, "NotFound", $"{resource} \"{name}\" not found");

    public static ProxyRefusal Unavailable(string message) => new(503, "ServiceUnavailable", message);

    public static ProxyRefusal BadGateway(string message) => new(502, "BadGateway", message);
}
