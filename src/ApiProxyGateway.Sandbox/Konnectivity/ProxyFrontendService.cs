using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// konnectivity-server's frontend for gRPC diallers (ProxyService.Proxy): each DIAL_REQ goes to the agent serving the
/// destination, or is answered at once with DIAL_RSP "No agent available"; DATA, CLOSE_REQ and DIAL_CLS follow the
/// tunnel. When the stream ends its tunnels are closed at the agents; when the server goes away it says DRAIN first.
/// </summary>
internal sealed class ProxyFrontendService(TunnelRouter router, KonnectivityServerLifetime lifetime, KonnectivityServerOptions options) : ProxyService.ProxyServiceBase
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    public override async Task Proxy(IAsyncStreamReader<Packet> requestStream, IServerStreamWriter<Packet> responseStream, ServerCallContext context)
    {
        var outbound = new PacketQueue(responseStream, context.CancellationToken);
        var frontend = new GrpcFrontend(outbound);
        try
        {
            if (await PacketStreams.ReadUntilStoppingAsync(requestStream, packet => ServeAsync(frontend, outbound, packet), lifetime.Stopping) is { } reading)
            {
                // The server is going away: dial elsewhere from now on. The stream ends when the dialler ends it, so
                // that it surely reads the DRAIN first, or when the drain period is over.
                await outbound.SendAsync(KonnectivityPackets.Drain());
                try
                {
                    await reading.WaitAsync(options.DrainPeriod, options.TimeProvider);
                }
                catch (TimeoutException)
                {
                    // The dialler stays: its tunnels end with the stream.
                }
            }
        }
        finally
        {
            await router.FrontendGoneAsync(frontend);
            await outbound.CompleteAsync(FlushLimit);
        }
    }

    private async ValueTask ServeAsync(GrpcFrontend frontend, PacketQueue outbound, Packet packet)
    {
        if (packet.Type != PacketType.DialReq)
        {
            await router.FromFrontendAsync(frontend, packet);
        }
        else if (await router.DialAsync(frontend, packet.DialRequest) is { } error)
        {
            await outbound.SendAsync(KonnectivityPackets.DialResponse(packet.DialRequest.Random, error: error));
        }
    }
}
