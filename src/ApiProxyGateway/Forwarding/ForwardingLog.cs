using ApiProxyGateway.Telemetry;
namespace ApiProxyGateway.Forwarding;

/// <summary>Pass-through log messages (event ids 300–399).</summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(EventIds.ForwardFailed, LogLevel.Warning, "Forwarding {Method} {Path} to the API server failed ({Error}): {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string method, string path, string error, string reason);
}
