using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Egress;

/// <summary>No egress: a TCP connection straight to the target, as the gateway has always dialled.</summary>
internal sealed class DirectDialer : IEgressDialer
{
    public static DirectDialer Instance { get; } = new();

    public EgressProtocol Protocol => EgressProtocol.Direct;

    public string Transport => "none";

    public string Description => "a direct connection";

    public async ValueTask<Stream> DialAsync(EndPoint destination, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(destination, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask<string?> ProbeAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
