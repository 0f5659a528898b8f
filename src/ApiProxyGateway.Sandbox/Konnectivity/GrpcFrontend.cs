using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>A ProxyService.Proxy stream as the router sees it: what the agent answers goes out on the stream as it is.</summary>
internal sealed class GrpcFrontend(PacketQueue outbound) : ITunnelFrontend
{
    public string Kind => "grpc";

    public async ValueTask DeliverAsync(Packet packet) => await outbound.SendAsync(packet);
}
