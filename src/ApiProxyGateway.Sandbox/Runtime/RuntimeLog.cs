namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>Log messages of the process-backed container runtime (event ids 1300–1399).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1300, LogLevel.Information, "Node {Node}: starting pod {Pod} on {PodIp}")]
    public static partial void PodStarting(ILogger logger, string node, string pod, string podIp);

    [LoggerMessage(1301, LogLevel.Information, "Node {Node}: stopping pod {Pod}")]
    public static partial void PodStopping(ILogger logger, string node, string pod);

    [LoggerMessage(1302, LogLevel.Error, "Node {Node}: cannot start pod {Pod}")]
    public static partial void PodFailed(ILogger logger, Exception exception, string node, string pod);
}
