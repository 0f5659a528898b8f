namespace ApiProxyGateway.Telemetry;

/// <summary>Endpoint metadata naming the kind of route, the <c>route</c> label of the request metrics.</summary>
internal sealed record RouteKind(string Name)
{
    public static readonly RouteKind PassThrough = new("passthrough");
    public static readonly RouteKind Log = new("log");
    public static readonly RouteKind Exec = new("exec");
    public static readonly RouteKind Attach = new("attach");
    public static readonly RouteKind PortForward = new("portforward");
    public static readonly RouteKind PodProxy = new("pods-proxy");
    public static readonly RouteKind ServiceProxy = new("services-proxy");
    public static readonly RouteKind NodeProxy = new("nodes-proxy");
}
