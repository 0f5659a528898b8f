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

    [LoggerMessage(3004, LogLevel.Information, "Gateway replica {Name} (pid {ProcessId}) is ready on {EndPoint}")]
    public static partial void ReplicaReady(ILogger logger, string name, int processId, string endPoint);

    [LoggerMessage(3005, LogLevel.Information, "HAProxy (pid {ProcessId}) balances {Frontend} over {Replicas} gateway replicas, health-checked on /readyz")]
    public static partial void BalancerListening(ILogger logger, int processId, string frontend, int replicas);

    [LoggerMessage(3006, LogLevel.Information, "Rolling: {Replacement} is in rotation after {ReadySeconds:0.0}s; SIGTERM to {Replaced}")]
    public static partial void Replacing(ILogger logger, string replacement, double readySeconds, string replaced);

    [LoggerMessage(3007, LogLevel.Information, "Rolling: {Replaced} out of rotation after {OutOfRotationSeconds:0.0}s, drained and exited with code {ExitCode} after {ExitedSeconds:0.0}s")]
    public static partial void Replaced(ILogger logger, string replaced, double? outOfRotationSeconds, int exitCode, double exitedSeconds);
}
