namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>Log messages about the gateway child process (event ids 3000–3099).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(3000, LogLevel.Information, "Starting the gateway: {Command}")]
    public static partial void Starting(ILogger logger, string command);

    [LoggerMessage(3001, LogLevel.Information, "Gateway (pid {ProcessId}) accepts connections on {EndPoint}")]
    public static partial void Ready(ILogger logger, int processId, string endPoint);

    [LoggerMessage(3002, LogLevel.Information, "Gateway (pid {ProcessId}) exited with code {ExitCode}")]
    public static partial void Exited(ILogger logger, int processId, int exitCode);

    [LoggerMessage(3003, LogLevel.Warning, "Gateway (pid {ProcessId}) did not stop within {GracePeriod} of SIGTERM; killing it")]
    public static partial void Killing(ILogger logger, int processId, TimeSpan gracePeriod);
}
