using System.Net.Sockets;

namespace ApiProxyGateway.Egress;

/// <summary>A Konnectivity server on a Unix domain socket (<c>transport.uds.udsName</c>), as kube-apiserver usually reaches it.</summary>
internal sealed class UdsEgressServer(string path) : EgressServer
{
    public override string Address => $"unix:{path}";

    public override string Transport => "uds";

    public override async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(path), cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
