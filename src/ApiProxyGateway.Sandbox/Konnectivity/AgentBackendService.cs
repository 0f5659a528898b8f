using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// konnectivity-server's backend (AgentService.Connect): an agent names itself in the <c>agentid</c> metadata and says
/// what it serves in <c>agentidentifiers</c>; the server answers with <c>serverid</c> and <c>servercount</c> and routes
/// dials to it until the stream ends. When the server goes away it tells the agent DRAIN first.
/// </summary>
internal sealed class AgentBackendService(TunnelRouter router, KonnectivityServerLifetime lifetime) : AgentService.AgentServiceBase
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    public override async Task Connect(IAsyncStreamReader<Packet> requestStream, IServerStreamWriter<Packet> responseStream, ServerCallContext context)
    {
        var agentIds = Values(context, KonnectivityMetadata.AgentId);
        if (agentIds.Count != 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"expected one agent ID in the context, got [{string.Join(' ', agentIds)}]"));
        }

        var identifierSets = Values(context, KonnectivityMetadata.AgentIdentifiers);
        if (identifierSets.Count > 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"expected at most one set of agent identifiers in the context, got {identifierSets.Count}"));
        }

        AgentIdentifiers identifiers;
        try
        {
            identifiers = AgentIdentifiers.Parse(identifierSets.FirstOrDefault());
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"fail to parse url encoded string: {e.Message}"));
        }

        await context.WriteResponseHeadersAsync(new Metadata { { KonnectivityMetadata.ServerId, lifetime.ServerId }, { KonnectivityMetadata.ServerCount, "1" } });
        var outbound = new PacketQueue(responseStream, context.CancellationToken);
        var agent = new AgentPeer(agentIds[0], identifiers, outbound);
        router.AddAgent(agent);
        try
        {
            if (await PacketStreams.ReadUntilStoppingAsync(requestStream, packet => router.FromAgentAsync(agent, packet), lifetime.Stopping) is not null)
            {
                await outbound.SendAsync(KonnectivityPackets.Drain()); // the server is going away
            }
        }
        finally
        {
            await router.RemoveAgentAsync(agent);
            await outbound.CompleteAsync(FlushLimit);
        }
    }

    private static List<string> Values(ServerCallContext context, string key) =>
        [.. context.RequestHeaders.Where(h => !h.IsBinary && string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];
}
