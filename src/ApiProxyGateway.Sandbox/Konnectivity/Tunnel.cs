namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>One dial through the server: pending until the agent answers, then established under the agent's connectID.</summary>
internal sealed class Tunnel(long random, string address, AgentPeer agent, ITunnelFrontend frontend)
{
    public long Random { get; } = random;

    public string Address { get; } = address;

    public AgentPeer Agent { get; } = agent;

    public ITunnelFrontend Frontend { get; } = frontend;

    /// <summary>The agent's id for the connection; 0 while the dial is pending.</summary>
    public long ConnectId { get; set; }
}
