using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// Whoever dialled through konnectivity-server (a ProxyService stream or an HTTP CONNECT connection): the router hands
/// it what the agent answered for its tunnels (DIAL_RSP, DATA, CLOSE_RSP, DIAL_CLS), in the agent's order.
/// </summary>
internal interface ITunnelFrontend
{
    /// <summary>A short description for the log ("grpc", "http-connect").</summary>
    string Kind { get; }

    ValueTask DeliverAsync(Packet packet);
}
