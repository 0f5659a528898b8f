namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>Log messages of the simulated konnectivity-server and agents (event ids 4000–4099).</summary>
internal static partial class KonnectivityLog
{
    [LoggerMessage(4000, LogLevel.Information, "konnectivity-server listening: frontend {Socket} and {FrontendUrl}, agents on {AgentUrl}")]
    public static partial void Listening(ILogger logger, string socket, string frontendUrl, string agentUrl);

    [LoggerMessage(4001, LogLevel.Information, "konnectivity-server stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(4002, LogLevel.Information, "konnectivity-server: agent {AgentId} connected ({Identifiers})")]
    public static partial void AgentConnected(ILogger logger, string agentId, string identifiers);

    [LoggerMessage(4003, LogLevel.Information, "konnectivity-server: agent {AgentId} disconnected; {Established} tunnels closed, {Pending} dials failed")]
    public static partial void AgentDisconnected(ILogger logger, string agentId, int established, int pending);

    [LoggerMessage(4004, LogLevel.Information, "konnectivity-server: agent {AgentId} is draining")]
    public static partial void AgentDraining(ILogger logger, string agentId);

    [LoggerMessage(4005, LogLevel.Warning, "konnectivity-server: {Frontend} dial to {Address} failed: {Error}")]
    public static partial void NoAgent(ILogger logger, string frontend, string address, string error);

    [LoggerMessage(4006, LogLevel.Debug, "konnectivity-server: {Frontend} dial to {Address} through agent {AgentId} (dial id {Random})")]
    public static partial void Dialing(ILogger logger, string frontend, string address, string agentId, long random);

    [LoggerMessage(4007, LogLevel.Information, "konnectivity-server: agent {AgentId} could not dial {Address}: {Error}")]
    public static partial void DialFailed(ILogger logger, string address, string agentId, string error);

    [LoggerMessage(4008, LogLevel.Debug, "konnectivity-server: refused {Frontend} connection: {Reason}")]
    public static partial void Refused(ILogger logger, string frontend, string reason);

    [LoggerMessage(4010, LogLevel.Information, "konnectivity-agent {Node} connected to {Server} as {AgentId}")]
    public static partial void AgentUp(ILogger logger, string node, string server, string agentId);

    [LoggerMessage(4011, LogLevel.Warning, "konnectivity-agent {Node} cannot reach the server: {Error}; retrying every {Interval}")]
    public static partial void AgentCannotConnect(ILogger logger, string node, string error, TimeSpan interval);

    [LoggerMessage(4012, LogLevel.Information, "konnectivity-agent {Node} stopped")]
    public static partial void AgentStopped(ILogger logger, string node);

    [LoggerMessage(4013, LogLevel.Debug, "konnectivity-agent {Node}: dial {Address} failed: {Error}")]
    public static partial void AgentDialFailed(ILogger logger, string node, string address, string error);

    [LoggerMessage(4014, LogLevel.Information, "konnectivity-agent {Node}: the server is draining")]
    public static partial void ServerDraining(ILogger logger, string node);
}
