namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>A parsed kubelet path: which endpoint, and the pod (namespace, name, optional UID) and container it names.</summary>
internal sealed record KubeletRoute(KubeletEndpoint Endpoint, string Namespace = "", string Pod = "", string Uid = "", string Container = "")
{
    public static KubeletRoute NotFound { get; } = new(KubeletEndpoint.NotFound);

    /// <summary>
    /// Parses a request path the way the kubelet's routes match it: <c>/containerLogs/NS/POD/CONTAINER</c>,
    /// <c>/exec|attach|run/NS/POD[/UID]/CONTAINER</c>, <c>/portForward/NS/POD[/UID]</c>, <c>/pods</c>,
    /// <c>/runningpods/</c>, <c>/healthz[/…]</c>, <c>/metrics[/…]</c>, <c>/stats/…</c>, <c>/configz</c>.
    /// Segments are taken unescaped.
    /// </summary>
    public static KubeletRoute Parse(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return parts switch
        {
            ["containerLogs", var ns, var pod, var container] => new(KubeletEndpoint.ContainerLogs, ns, pod, "", container),
            [var verb and ("exec" or "attach" or "run"), var ns, var pod, var container] => new(Streaming(verb), ns, pod, "", container),
            [var verb and ("exec" or "attach" or "run"), var ns, var pod, var uid, var container] => new(Streaming(verb), ns, pod, uid, container),
            ["portForward", var ns, var pod] => new(KubeletEndpoint.PortForward, ns, pod),
            ["portForward", var ns, var pod, var uid] => new(KubeletEndpoint.PortForward, ns, pod, uid),
            ["pods"] => new(KubeletEndpoint.Pods),
            ["runningpods"] => new(KubeletEndpoint.RunningPods),
            ["healthz", ..] when parts.Length <= 2 => new(KubeletEndpoint.Healthz),
            ["metrics", ..] when parts.Length <= 2 => new(KubeletEndpoint.Metrics),
            ["stats", ..] => new(KubeletEndpoint.Stats),
            ["configz"] => new(KubeletEndpoint.Configz),
            _ => NotFound,
        };
    }

    private static KubeletEndpoint Streaming(string verb) => verb switch
    {
        "exec" => KubeletEndpoint.Exec,
        "attach" => KubeletEndpoint.Attach,
        _ => KubeletEndpoint.Run,
    };
}
