namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>Log messages of the sandbox host (event ids 1000–1099).</summary>
internal static partial class SandboxLog
{
    [LoggerMessage(1000, LogLevel.Information, "Sandbox state in {StateDirectory}, address block 127.{Block}.0.0/16, scenario {Scenario}")]
    public static partial void Starting(ILogger logger, string stateDirectory, int block, string scenario);

    [LoggerMessage(1001, LogLevel.Warning, "Address block 127.{Block}.0.0/16 is in use; trying another")]
    public static partial void BlockInUse(ILogger logger, int block);

    [LoggerMessage(1002, LogLevel.Information, "Gateway not started (disabled)")]
    public static partial void GatewayDisabled(ILogger logger);

    [LoggerMessage(1004, LogLevel.Warning, "Some scenario pods were not ready within {Timeout}; going on (see kubectl get pods)")]
    public static partial void PodsNotReady(ILogger logger, TimeSpan timeout);

    [LoggerMessage(1003, LogLevel.Information, "Sandbox stopped")]
    public static partial void Stopped(ILogger logger);
}
