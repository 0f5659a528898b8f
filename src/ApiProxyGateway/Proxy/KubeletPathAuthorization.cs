namespace ApiProxyGateway.Proxy;

/// <summary>
/// What a kubelet path reached through <c>nodes/proxy</c> needs, beyond <c>nodes/proxy</c> itself: the
/// fine-grained node subresource the kubelet would check (stats, metrics, log, pods, healthz, configz, …), and
/// whether it is one of the streaming endpoints that <c>get nodes/proxy</c> must not open by default.
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

    private static string FirstSegment(string path) => path.TrimStart('/').Split('/', 2)[0];
}
