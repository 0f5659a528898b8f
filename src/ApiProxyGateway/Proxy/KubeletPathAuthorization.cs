namespace ApiProxyGateway.Proxy;

/// <summary>
/// What a kubelet path reached through <c>nodes/proxy</c> needs, beyond <c>nodes/proxy</c> itself: the
/// fine-grained node subresource the kubelet would check (stats, metrics, log, pods, healthz, configz, …), and
/// whether it is one of the endpoints that <c>nodes/proxy</c> must not open by default (streaming, checkpoint, node
/// log query). The path is the cleaned path the kubelet will route, as the request classifier produced it.
/// </summary>
internal static class KubeletPathAuthorization
{
    private static readonly string[] StreamingPrefixes = ["/exec", "/attach", "/portForward", "/run", "/containerLogs", "/cri"];

    public static string? FineGrainedSubresource(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FirstSegment(path) switch
        {
            "stats" => "stats",
            "metrics" => "metrics",
            "logs" => "log",
            "pods" or "runningpods" => "pods",
            "healthz" => "healthz",
            "configz" => "configz",
            "statusz" => "statusz",
            "checkpoint" => "checkpoint",
            _ => null,
        };
    }

    public static bool IsStreamingEndpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var first = "/" + FirstSegment(path);
        return StreamingPrefixes.Any(prefix => string.Equals(first, prefix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The kubelet's <c>/checkpoint/</c> endpoint, which writes a container's memory image to the node.</summary>
    public static bool IsCheckpoint(string path) => FirstSegment(path) == "checkpoint";

    /// <summary>
    /// The kubelet's node log query: <c>/logs/</c> with any query parameter (the kubelet treats any parameter as a
    /// query, <c>query</c>, <c>pattern</c>, <c>boot</c>, … and runs journalctl or Get-WinEvent with them).
    /// </summary>
    public static bool IsNodeLogQuery(string path, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return FirstSegment(path) == "logs" && query.Count > 0;
    }

    private static string FirstSegment(string path) => path.TrimStart('/').Split('/', 2)[0];
}
