using System.Net.Sockets;
using System.Threading.Channels;
using ApiProxyGateway.Protocols.Konnectivity;
using Google.Protobuf;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// One connection an agent dialled for the server (its connectID): what the server sends is written to the socket in
/// order, what the socket reads goes back as DATA; either end closing it sends CLOSE_RSP, as the real agent's cleanup does.
/// </summary>
internal sealed class AgentConnection(long connectId, Socket socket, AgentSession session)
{
    private const int ReadBufferSize = 32 * 1024;
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    private readonly Channel<ByteString> _toRemote = Channel.CreateBounded<ByteString>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _writer = Task.CompletedTask;
    private int _closing;

    public long ConnectId { get; } = connectId;

    /// <summary>Completes once the socket is closed and CLOSE_RSP was sent.</summary>
    public Task Closed => _closed.Task;

    public void Start()
    {
        _writer = WriteAllAsync();
        _ = ReadAllAsync();
    }

    /// <summary>Queues bytes for the remote end (waits while 64 chunks are queued, as the agent's data channel does).</summary>
    public async ValueTask WriteAsync(ByteString data)
    {
        try
        {
            await _toRemote.Writer.WriteAsync(data);
        }
        catch (ChannelClosedException)
        {
            // Closing: the bytes go nowhere, as with a real socket being closed.
        }
    }

    /// <summary>Closes the connection (after writing what is queued) and sends CLOSE_RSP; only the first call does anything.</summary>
    public Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 0)
        {
            _ = CloseCoreAsync();
        }

        return Closed;
    }

    private async Task CloseCoreAsync()
    {
        _toRemote.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(FlushLimit);
        }
        catch (TimeoutException)
        {
        }

        socket.Dispose();
        session.Forget(this);
        await session.SendAsync(KonnectivityPackets.CloseResponse(ConnectId));
        _closed.TrySetResult();
    }

    private async Task ReadAllAsync()
    {
        var buffer = new byte[ReadBufferSize];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (!await session.SendAsync(KonnectivityPackets.Data(ConnectId, buffer.AsSpan(0, read))))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        await CloseAsync();
    }

    private async Task WriteAllAsync()
    {
        try
        {
            await foreach (var data in _toRemote.Reader.ReadAllAsync())
            {
                await socket.SendAsync(data.Memory, SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _ = CloseAsync();
        }
    }
}
