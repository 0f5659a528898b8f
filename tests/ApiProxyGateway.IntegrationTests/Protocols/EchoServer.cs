using System.Net;
using System.Net.Sockets;
using System.Text;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>
/// The "pod port": echoes every byte back and half-closes when the client does. One listening in a node network
/// (<see cref="Listen"/>) first says <c>hello from ADDRESS:PORT</c>, or only says it and closes; it counts the
/// connections that ended, so a test can see a tunnel's far end close.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly bool _closeAfterGreeting;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _ended;

    public EchoServer()
        : this(Bound(NodeNetwork.Host, new IPEndPoint(IPAddress.Loopback, 0)), greet: false, closeAfterGreeting: false)
    {
    }

    private EchoServer(Socket listener, bool greet, bool closeAfterGreeting)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!; // ! a bound socket has its local end point
        Greeting = greet ? $"hello from {EndPoint}\n" : "";
        _closeAfterGreeting = closeAfterGreeting;
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>What it says first on every connection (nothing for a plain echo server).</summary>
    public string Greeting { get; }

    /// <summary>How many connections have ended (the client's side or ours closed).</summary>
    public int Ended => Volatile.Read(ref _ended);

    /// <summary>A greeting echo server (or a greet-and-close one) on <paramref name="endPoint"/> inside <paramref name="network"/>.</summary>
    public static EchoServer Listen(NodeNetwork network, IPEndPoint endPoint, bool closeAfterGreeting = false) =>
        new(Bound(network, endPoint), greet: true, closeAfterGreeting);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    private static Socket Bound(NodeNetwork network, IPEndPoint endPoint) => network.Run(() =>
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen();
        return socket;
    });

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                connections.Add(EchoAsync(socket));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections);
    }

    private async Task EchoAsync(Socket socket)
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
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The forwarder went away.
            }
        }

        Interlocked.Increment(ref _ended);
    }
}
