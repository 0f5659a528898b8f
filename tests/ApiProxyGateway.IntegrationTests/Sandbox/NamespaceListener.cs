using System.Net;
using System.Net.Sockets;
using System.Text;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// A TCP server inside a node network: says <c>hello from ADDRESS:PORT</c> and then echoes every byte (or, as a
/// "closer", says it and closes). It counts the connections that ended, so a test can see a tunnel's far end close.
/// </summary>
internal sealed class NamespaceListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly bool _closeAfterGreeting;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _ended;

    public NamespaceListener(NodeNetwork network, IPEndPoint endPoint, bool closeAfterGreeting = false)
    {
        EndPoint = endPoint;
        _closeAfterGreeting = closeAfterGreeting;
        _listener = network.Run(() =>
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(endPoint);
            socket.Listen();
            return socket;
        });
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    public string Greeting => $"hello from {EndPoint}\n";

    /// <summary>How many connections have ended (the client's or our side closed).</summary>
    public int Ended => Volatile.Read(ref _ended);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                connections.Add(ServeAsync(await _listener.AcceptAsync(_stop.Token)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Greeting), _stop.Token);
                if (!_closeAfterGreeting)
                {
                    await stream.CopyToAsync(stream, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The tunnel went away.
            }
        }

        Interlocked.Increment(ref _ended);
    }
}
