namespace ApiProxyGateway.Forwarding;

/// <summary>
/// YARP sends every HTTP/1.1 upgrade it forwards as a GET (dotnet/yarp#1978), so an upgrade with another method (a
/// SPDY POST) would reach its upstream as a different verb. The gateway forwards only what it authorized: such
/// upgrades are refused wherever YARP would forward them (the pass-through and the proxy subresources). Pod streams
/// keep their POST: they are relayed by the gateway itself.
/// </summary>
internal static class ForwardedUpgrade
{
    /// <summary>Null when the request may go through the forwarder unchanged; otherwise why not.</summary>
    public static string? MethodProblem(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Upgrade.Count > 0 && !HttpMethods.IsGet(request.Method)
            ? $"an upgrade with {request.Method} cannot be forwarded unchanged; only GET upgrades (WebSockets) are forwarded"
            : null;
    }
}
