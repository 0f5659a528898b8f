using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>One agent's AgentService.Connect stream as the server sees it: who it is, what it serves, and its outbound queue.</summary>
internal sealed class AgentPeer(string agentId, AgentIdentifiers identifiers, PacketQueue outbound)
{
    private volatile bool _draining;

    public string AgentId { get; } = agentId;

    public AgentIdentifiers Identifiers { get; } = identifiers;

    /// <summary>The node it serves (its first <c>host</c> identifier), or its id.</summary>
    public string Node => Identifiers.Hosts.Count > 0 ? Identifiers.Hosts[0] : AgentId;

    /// <summary>The agent said DRAIN (it is shutting down): new dials go elsewhere when possible.</summary>
    public bool IsDraining => _draining;

    public void Drain() => _draining = true;

    public ValueTask<bool> SendAsync(Packet packet) => outbound.SendAsync(packet);

    public override string ToString() => $"agent {AgentId}";
}
