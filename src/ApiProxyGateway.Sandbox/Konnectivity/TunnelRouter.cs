using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// konnectivity-server's core (pkg/server/server.go): the connected agents, the dials waiting for an agent's DIAL_RSP
/// (by the dialler's random id) and the established tunnels (by agent and connectID), and the routing of every packet
/// between a frontend and the agent that serves its destination.
/// </summary>
internal sealed class TunnelRouter(KonnectivityServerOptions options, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly List<AgentPeer> _agents = [];
    private readonly Dictionary<long, Tunnel> _pending = [];
    private readonly Dictionary<(AgentPeer Agent, long ConnectId), Tunnel> _byAgent = [];
    private readonly Dictionary<(ITunnelFrontend Frontend, long ConnectId), Tunnel> _byFrontend = [];

    /// <summary>The connected agents' nodes (each agent's first <c>host</c> identifier).</summary>
    public IReadOnlyList<string> ConnectedNodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _agents.Select(a => a.Node)];
            }
        }
    }

    public void AddAgent(AgentPeer agent)
    {
        lock (_lock)
        {
            _agents.Add(agent);
        }

        KonnectivityLog.AgentConnected(logger, agent.AgentId, agent.Identifiers.ToString());
    }

    /// <summary>The agent's stream ended: its tunnels end (CLOSE_RSP) and its pending dials fail (DIAL_RSP with an error).</summary>
    public async Task RemoveAgentAsync(AgentPeer agent)
    {
        List<Tunnel> established, pending;
        lock (_lock)
        {
            _agents.Remove(agent);
            established = [.. _byAgent.Where(e => e.Key.Agent == agent).Select(e => e.Value)];
            foreach (var tunnel in established)
            {
                Forget(tunnel);
            }

            pending = [.. _pending.Values.Where(t => t.Agent == agent)];
            foreach (var tunnel in pending)
            {
                _pending.Remove(tunnel.Random);
            }
        }

        KonnectivityLog.AgentDisconnected(logger, agent.AgentId, established.Count, pending.Count);
        var reason = $"the konnectivity-agent of node \"{agent.Node}\" disconnected";
        foreach (var tunnel in established)
        {
            await tunnel.Frontend.DeliverAsync(KonnectivityPackets.CloseResponse(tunnel.ConnectId, reason));
        }

        foreach (var tunnel in pending)
        {
            await tunnel.Frontend.DeliverAsync(KonnectivityPackets.DialResponse(tunnel.Random, error: reason + " before it answered the dial"));
        }
    }

    /// <summary>
    /// Sends a DIAL_REQ to the agent serving the destination; null when it went out (the answer comes through
    /// <see cref="ITunnelFrontend.DeliverAsync"/>), otherwise the error to give the dialler.
    /// </summary>
    public async ValueTask<string?> DialAsync(ITunnelFrontend frontend, DialRequest request)
    {
        var host = HostOf(request.Address);
        AgentPeer? agent;
        lock (_lock)
        {
            var serving = _agents.Where(a => a.Identifiers.Serves(host)).ToList();
            agent = serving.FirstOrDefault(a => !a.IsDraining) ?? serving.FirstOrDefault(); // a draining agent only as a last resort
        }

        if (agent is null)
        {
            var error = NoAgentError(request.Address, host);
            KonnectivityLog.NoAgent(logger, frontend.Kind, request.Address, error);
            return error;
        }

        var tunnel = new Tunnel(request.Random, request.Address, agent, frontend);
        lock (_lock)
        {
            if (!_agents.Contains(agent))
            {
                return $"the konnectivity-agent of node \"{agent.Node}\" disconnected"; // between choosing it and now
            }

            if (!_pending.TryAdd(request.Random, tunnel))
            {
                return $"dial id {request.Random} is already pending";
            }
        }

        KonnectivityLog.Dialing(logger, frontend.Kind, request.Address, agent.AgentId, request.Random);
        if (!await agent.SendAsync(new Packet { Type = PacketType.DialReq, DialRequest = request }))
        {
            Take(request.Random);
            return $"DIAL_REQ to the konnectivity-agent of node \"{agent.Node}\" failed: its stream is closed";
        }

        if (options.BackendDialTimeout > TimeSpan.Zero)
        {
            _ = TimeOutAsync(tunnel);
        }

        return null;
    }

    /// <summary>A packet from an agent: answers to dials, data and closes for tunnels, or DRAIN.</summary>
    public async ValueTask FromAgentAsync(AgentPeer agent, Packet packet)
    {
        switch (packet.Type)
        {
            case PacketType.DialRsp:
                var response = packet.DialResponse;
                if (Take(response.Random) is not { } dialled || dialled.Agent != agent)
                {
                    // Nobody waits for it any more (the dial was withdrawn or timed out): don't leak the agent's connection.
                    if (response.ConnectID != 0)
                    {
                        await agent.SendAsync(KonnectivityPackets.CloseRequest(response.ConnectID));
                    }

                    return;
                }

                if (response.Error.Length > 0)
                {
                    KonnectivityLog.DialFailed(logger, dialled.Address, agent.AgentId, response.Error);
                }
                else
                {
                    dialled.ConnectId = response.ConnectID;
                    lock (_lock)
                    {
                        _byAgent[(agent, dialled.ConnectId)] = dialled;
                        _byFrontend[(dialled.Frontend, dialled.ConnectId)] = dialled;
                    }
                }

                await dialled.Frontend.DeliverAsync(packet);
                break;
            case PacketType.DialCls:
                if (Take(packet.CloseDial.Random) is { } withdrawn)
                {
                    await withdrawn.Frontend.DeliverAsync(packet);
                }

                break;
            case PacketType.Data:
                if (Find(agent, packet.Data.ConnectID) is { } open)
                {
                    await open.Frontend.DeliverAsync(packet);
                }
                else
                {
                    await agent.SendAsync(KonnectivityPackets.CloseRequest(packet.Data.ConnectID));
                }

                break;
            case PacketType.CloseRsp:
                if (Close(agent, packet.CloseResponse.ConnectID) is { } closed)
                {
                    await closed.Frontend.DeliverAsync(packet);
                }

                break;
            case PacketType.Drain:
                agent.Drain();
                KonnectivityLog.AgentDraining(logger, agent.AgentId);
                break;
        }
    }

    /// <summary>A packet from a dialler for one of its tunnels: DATA and CLOSE_REQ go to the agent, DIAL_CLS withdraws a dial.</summary>
    public async ValueTask FromFrontendAsync(ITunnelFrontend frontend, Packet packet)
    {
        switch (packet.Type)
        {
            case PacketType.Data or PacketType.CloseReq:
                var connectId = packet.Type == PacketType.Data ? packet.Data.ConnectID : packet.CloseRequest.ConnectID;
                Tunnel? tunnel;
                lock (_lock)
                {
                    tunnel = _byFrontend.GetValueOrDefault((frontend, connectId));
                }

                if (tunnel is null || !await tunnel.Agent.SendAsync(packet))
                {
                    await frontend.DeliverAsync(KonnectivityPackets.CloseResponse(connectId, tunnel is null ? "unrecognized connectID" : "the agent's stream is closed"));
                }

                break;
            case PacketType.DialCls:
                Take(packet.CloseDial.Random);
                break;
        }
    }

    /// <summary>The dialler went away: its pending dials are withdrawn (DIAL_CLS) and its tunnels closed (CLOSE_REQ) at the agents.</summary>
    public async Task FrontendGoneAsync(ITunnelFrontend frontend)
    {
        List<Tunnel> pending, established;
        lock (_lock)
        {
            pending = [.. _pending.Values.Where(t => t.Frontend == frontend)];
            foreach (var tunnel in pending)
            {
                _pending.Remove(tunnel.Random);
            }

            established = [.. _byFrontend.Where(e => e.Key.Frontend == frontend).Select(e => e.Value)];
            foreach (var tunnel in established)
            {
                Forget(tunnel);
            }
        }

        foreach (var tunnel in pending)
        {
            await tunnel.Agent.SendAsync(KonnectivityPackets.DialClose(tunnel.Random));
        }

        foreach (var tunnel in established)
        {
            await tunnel.Agent.SendAsync(KonnectivityPackets.CloseRequest(tunnel.ConnectId));
        }
    }

    /// <summary>The host of <c>host:port</c> (IPv6 without its brackets), as konnectivity-server's RemovePortFromHost.</summary>
    public static string HostOf(string address)
    {
        if (address.StartsWith('[') && address.IndexOf(']', StringComparison.Ordinal) is > 0 and var end)
        {
            return address[1..end];
        }

        return address.LastIndexOf(':') is > 0 and var colon && address.IndexOf(':', StringComparison.Ordinal) == colon ? address[..colon] : address;
    }

    private string NoAgentError(string address, string host) => options.NodeOf?.Invoke(host) is { } node
        ? $"{KonnectivityMetadata.NoAgentAvailable}: the konnectivity-agent of node \"{node}\" is not connected (dial {address})"
        : KonnectivityMetadata.NoAgentAvailable;

    private async Task TimeOutAsync(Tunnel tunnel)
    {
        await Task.Delay(options.BackendDialTimeout, options.TimeProvider);
        if (Take(tunnel.Random) == tunnel)
        {
            KonnectivityLog.DialFailed(logger, tunnel.Address, tunnel.Agent.AgentId, KonnectivityMetadata.BackendDialTimeout);
            await tunnel.Frontend.DeliverAsync(KonnectivityPackets.DialResponse(tunnel.Random, error: KonnectivityMetadata.BackendDialTimeout));
        }
    }

    private Tunnel? Take(long random)
    {
        lock (_lock)
        {
            return _pending.Remove(random, out var tunnel) ? tunnel : null;
        }
    }

    private Tunnel? Find(AgentPeer agent, long connectId)
    {
        lock (_lock)
        {
            return _byAgent.GetValueOrDefault((agent, connectId));
        }
    }

    private Tunnel? Close(AgentPeer agent, long connectId)
    {
        lock (_lock)
        {
            if (_byAgent.GetValueOrDefault((agent, connectId)) is { } tunnel)
            {
                Forget(tunnel);
                return tunnel;
            }

            return null;
        }
    }

    private void Forget(Tunnel tunnel)
    {
        _byAgent.Remove((tunnel.Agent, tunnel.ConnectId));
        _byFrontend.Remove((tunnel.Frontend, tunnel.ConnectId));
    }
}
