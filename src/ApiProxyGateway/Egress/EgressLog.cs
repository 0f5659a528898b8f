using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Egress;

internal static partial class EgressLog
{
    [LoggerMessage(EventIds.EgressConfigured, LogLevel.Information, "Egress selection {Selection}: connections go through {Egress}")]
    public static partial void Configured(ILogger logger, string selection, string egress);

    [LoggerMessage(EventIds.EgressSettingIgnored, LogLevel.Information, "Egress configuration: {Setting} is ignored: {Reason}")]
    public static partial void SettingIgnored(ILogger logger, string setting, string reason);

    [LoggerMessage(EventIds.EgressDialRetried, LogLevel.Warning, "The connection to {Egress} failed before it answered the dial of {Address} ({Reason}); dialling once more on a new connection")]
    public static partial void DialRetried(ILogger logger, string address, string egress, string reason);

    [LoggerMessage(EventIds.EgressDraining, LogLevel.Information, "{Egress} is draining connection {Channel}; new dials use a new connection, open tunnels carry on")]
    public static partial void ServerDraining(ILogger logger, string egress, long channel);

    [LoggerMessage(EventIds.EgressConnectionLost, LogLevel.Warning, "Connection {Channel} to {Egress} failed; new dials use a new connection")]
    public static partial void ConnectionLost(ILogger logger, string egress, long channel);

    [LoggerMessage(EventIds.EgressTunnelEnded, LogLevel.Debug, "Konnectivity tunnel to {Address} (connection {ConnectId}) ended: {Reason}")]
    public static partial void TunnelEnded(ILogger logger, string address, long connectId, string reason);

    [LoggerMessage(EventIds.EgressCloseUnanswered, LogLevel.Debug, "Konnectivity tunnel to {Address} (connection {ConnectId}) was closed without the server's confirmation: {Reason}")]
    public static partial void CloseUnanswered(ILogger logger, string address, long connectId, string reason);
}
