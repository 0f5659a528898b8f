using ApiProxyGateway.Telemetry;
namespace ApiProxyGateway.Kubernetes;

/// <summary>Log messages of the Kubernetes feature (event ids 600–699).</summary>
internal static partial class KubernetesLog
{
    [LoggerMessage(EventIds.CacheSynced, LogLevel.Information, "The {Kind} cache has synced with {Count} objects")]
    public static partial void CacheSynced(ILogger logger, string kind, int count);

    [LoggerMessage(EventIds.CacheError, LogLevel.Warning, "The {Kind} cache lost its list or watch; retrying in {Seconds}s: {Reason}")]
    public static partial void CacheError(ILogger logger, string kind, double seconds, string reason);
}
