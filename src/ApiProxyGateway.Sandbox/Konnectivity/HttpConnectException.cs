namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>konnectivity-server refused a CONNECT: its status and the reason it gave.</summary>
internal sealed class HttpConnectException(string target, int statusCode, string reason)
    : IOException($"konnectivity-server answered CONNECT {target} with {statusCode}: {reason}")
{
    public int StatusCode { get; } = statusCode;

    public string Reason { get; } = reason;
}
