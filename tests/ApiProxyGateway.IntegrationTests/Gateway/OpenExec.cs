using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>An exec opened by <see cref="GuardedStreams.OpenExecAsync"/>: its WebSocket, its client, and the marker its request URI carries.</summary>
public sealed class OpenExec(ClientWebSocket socket, RemoteCommandClient client, string marker) : IAsyncDisposable
{
    public RemoteCommandClient Client => client;

    /// <summary>Found in the exec's request URI (a shell comment in its command), to pick out its audit events.</summary>
    public string Marker => marker;

    public async ValueTask DisposeAsync()
    {
        await client.DisposeAsync();
        socket.Dispose();
    }
}
