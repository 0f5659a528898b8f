using ApiProxyGateway.Telemetry;
namespace ApiProxyGateway.Hosting;

/// <summary>Start-up and shutdown log messages (event ids 1–99).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventIds.InvalidConfiguration, LogLevel.Critical, "ApiProxyGateway cannot start: {Message}")]
    public static partial void InvalidConfiguration(ILogger logger, string message);
}
