namespace ApiProxyGateway.Requests;

/// <summary>Which handler serves a request, decided by <see cref="RequestClassifier"/>; the name is the <c>route</c> metrics label.</summary>
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

    /// <summary>True for the routes the gateway serves itself (everything but the pass-through to the API server).</summary>
    public bool IsServedByGateway => this != PassThrough;
}
