using System.Threading.Channels;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Egress;

/// <summary>
/// One dialled connection through a Konnectivity server, as a duplex byte stream: writes go out as DATA packets
/// (at most <see cref="MaxData"/> bytes each), reads come from the DATA packets for this
/// connection. The server's CLOSE_RSP or the end of its stream ends the reads (end of stream, with the reason kept in
/// <see cref="EndReason"/>); a server that goes away mid-stream fails them with an <see cref="IOException"/> that says
/// so. Disposing sends CLOSE_REQ and waits briefly for the CLOSE_RSP. A DRAIN retires the gRPC connection for new
/// dials; this tunnel carries on.
/// </summary>
internal sealed class KonnectivityTunnelStream : Stream
{
    /// <summary>
    /// The largest DATA payload the gateway sends: a TLS record and its overhead fit in one, and a packet stays far
    /// below gRPC's 4 MiB message limit.
    /// </summary>
    public const int MaxData = 32 * 1024;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly AsyncDuplexStreamingCall<Packet, Packet> _call;
    private readonly CancellationTokenSource _callCancellation;
    private readonly KonnectivityTunnelContext _context;
    private readonly long _connectId;
    private readonly string _address;
    private readonly Channel<ReadOnlyMemory<byte>> _inbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(16) { SingleWriter = true }); // read by the reader, and drained by the close

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;
    private ReadOnlyMemory<byte> _pending;
    private volatile IOException? _failure;
    private volatile string? _endReason;
    private int _disposed;

    public KonnectivityTunnelStream(AsyncDuplexStreamingCall<Packet, Packet> call, CancellationTokenSource callCancellation, KonnectivityTunnelContext context, long connectId, string address)
    {
        _call = call;
        _callCancellation = callCancellation;
        _context = context;
        _connectId = connectId;
        _address = address;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Why reads ended, once they have: the server's CLOSE_RSP, the end of its stream, or the gateway's own close.</summary>
    public string? EndReason => _endReason;

    public long ConnectId => _connectId;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-byte read waits for data (or the end) without taking any, as on a socket.
        while (_pending.IsEmpty && !_inbound.Reader.TryRead(out _pending))
        {
            if (!await _inbound.Reader.WaitToReadAsync(cancellationToken))
            {
                return _failure is { } failure ? throw new IOException(failure.Message, failure) : 0;
            }
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, MaxData)];
            buffer = buffer[chunk.Length..];
            await SendAsync(KonnectivityPackets.Data(_connectId, chunk.Span), cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
        // Every write is already a packet on the stream.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await CloseAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // A synchronous dispose cannot wait for the server's CLOSE_RSP: the close finishes in the background.
            _ = CloseAsync();
        }

        base.Dispose(disposing);
    }

    private async Task SendAsync(Packet packet, CancellationToken cancellationToken)
    {
        if (_ended.Task.IsCompleted)
        {
            throw new IOException($"the connection to {_address} through {_context.Description} is closed: {_failure?.Message ?? _endReason}");
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _call.RequestStream.WriteAsync(packet, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            throw new IOException($"the connection to {_address} through {_context.Description} is broken: {KonnectivityTunnelContext.Describe(e)}", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads the server's packets for as long as the stream lasts; never throws.</summary>
    private async Task PumpAsync()
    {
        try
        {
            var (reason, failure) = await ReceiveAsync();
            _failure = failure;
            _endReason = reason ?? failure?.Message;
        }
        finally
        {
            _inbound.Writer.TryComplete();
            _ended.TrySetResult();
            _context.TunnelEnded(_address, _connectId, _endReason ?? "ended");
        }
    }

    private async Task<(string? Reason, IOException? Failure)> ReceiveAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var packet = _call.ResponseStream.Current;
                switch (packet.Type)
                {
                    case PacketType.Data when packet.Data?.ConnectID == _connectId && packet.Data.Error.Length > 0:
                        return (null, new IOException($"{_context.Description} reported an error on the connection to {_address}: {EgressReply.Printable(packet.Data.Error)}"));
                    case PacketType.Data when packet.Data?.ConnectID == _connectId:
                        if (Volatile.Read(ref _disposed) == 0)
                        {
                            await _inbound.Writer.WriteAsync(packet.Data.Data_.Memory, _callCancellation.Token);
                        }

                        break;
                    case PacketType.CloseRsp when packet.CloseResponse?.ConnectID == _connectId:
                        return (packet.CloseResponse.Error.Length > 0
                            ? $"{_context.Description} closed the connection to {_address}: {EgressReply.Printable(packet.CloseResponse.Error)}"
                            : $"{_context.Description} closed the connection to {_address}", null);
                    case PacketType.Drain:
                        _context.Draining();
                        break;
                    default:
                        break; // another connection's packet, or nothing a dialer acts on
                }
            }

            return ($"{_context.Description} ended the stream of the connection to {_address}", null);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && _callCancellation.IsCancellationRequested)
        {
            return ("closed by the gateway", null);
        }
        catch (RpcException e)
        {
            _context.Broken();
            return (null, new IOException($"{_context.Description} went away during the connection to {_address}: {KonnectivityTunnelContext.Describe(e)}", e));
        }
    }

    private async Task CloseAsync()
    {
        try
        {
            // Nobody reads any more: make room, so that the receiver is not stuck behind unread data and sees the CLOSE_RSP.
            while (_inbound.Reader.TryRead(out _))
            {
            }

            if (!_ended.Task.IsCompleted)
            {
                await SendAsync(KonnectivityPackets.CloseRequest(_connectId), CancellationToken.None);
                await _ended.Task.WaitAsync(CloseTimeout, _context.TimeProvider);
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            _context.CloseUnanswered(_address, _connectId, e.Message);
        }
        finally
        {
            await _callCancellation.CancelAsync();
            await _pump;
            _call.Dispose();
            _callCancellation.Dispose();
            _context.Release();
        }
    }
}
