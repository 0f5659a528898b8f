namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>Log messages of the simulated kubelets (event ids 1200–1299).</summary>
internal static partial class KubeletLog
{
    [LoggerMessage(1200, LogLevel.Information, "Kubelet {Node} listening on {Url} (certificate: {Certificate}, WebSockets to kubelet: {WebSockets})")]
    public static partial void Listening(ILogger logger, string node, string url, string certificate, bool webSockets);

    [LoggerMessage(1201, LogLevel.Information, "Kubelet {Node} not listening (scenario fault)")]
    public static partial void NotListening(ILogger logger, string node);

    [LoggerMessage(1202, LogLevel.Debug, "Kubelet {Node}: {User} {Method} {Path} forbidden")]
    public static partial void Forbidden(ILogger logger, string node, string user, string method, string path);

    [LoggerMessage(1203, LogLevel.Warning, "Kubelet {Node}: {Method} {Path} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string node, string method, string path);

    [LoggerMessage(1204, LogLevel.Debug, "Kubelet {Node}: {Kind} {Pod}/{Container} over {Protocol}")]
    public static partial void Streaming(ILogger logger, string node, string kind, string pod, string container, string protocol);
}
