namespace ApiProxyGateway.Forwarding;

/// <summary>
/// YARP sends every HTTP/1.1 upgrade it forwards as a GET (dotnet/yarp#1978), so an upgrade with another method (a
/// SPDY POST) would reach its upstream as a different verb. The gateway forwards only what it authorized: such
/// upgrades are refused wherever YARP would forward them (the pass-through and the proxy subresources). Pod streams
/// keep their POST: they are relayed by the gateway itself.
/// </summary>
internal static class ForwardedUpgrade
{
    /// <summary>
    /// Whether the request is an upgrade: an HTTP/1.1 request with <c>Connection: Upgrade</c> and an <c>Upgrade</c>
    /// header, as Kestrel, YARP and Go's <c>httpstream.IsUpgradeRequest</c> decide. An <c>Upgrade</c> header alone does not
    /// make one (YARP forwards such a request as an ordinary one, without the header), so it must not pick an upgrade's
    /// limits or timeouts either. (WebSockets over HTTP/2 are refused at classification.)
    /// </summary>
    public static bool IsUpgrade(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
    }

    /// <summary>Null when the request may go through the forwarder unchanged; otherwise why not.</summary>
    public static string? MethodProblem(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsUpgrade(request.HttpContext) && !HttpMethods.IsGet(request.Method)
            ? $"an upgrade with {request.Method} cannot be forwarded unchanged; only GET upgrades (WebSockets) are forwarded"
            : null;
    }
}
