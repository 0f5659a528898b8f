using System.Buffers;
using System.IO.Pipelines;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// One SPDY stream as a duplex <see cref="Stream"/>: reads return the peer's DATA (0 at the peer's FIN), writes
/// send DATA within the flow-control window. <see cref="CloseWriteAsync"/> half-closes (FIN); disposing sends
/// FIN and, if the peer has not finished, RST_STREAM(CANCEL) so a flow-controlled peer does not wait forever.
/// </summary>
public sealed class SpdyStream : Stream
{
    private readonly SpdySession _session;
    private readonly Pipe _incoming;
    private readonly TaskCompletionSource<SpdyHeaders> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _remoteFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _receiveWindow;
    private int _unacknowledged;
    private long _buffered;
    private int _localClosed;
    private int _disposed;
    private volatile bool _abandoned;

    internal SpdyStream(SpdySession session, uint id, SpdyHeaders headers, bool isLocal, long sendWindow, int receiveWindow)
    {
        _session = session;
        Id = id;
        Headers = headers;
        IsLocal = isLocal;
        SendWindow = new SpdyFlowWindow(sendWindow);
        _receiveWindow = receiveWindow;

        // The pause threshold sits above the advertised window, so a peer that respects flow control never
        // blocks the connection's reader; only a peer that ignores the window (spdystream) gets paused.
        var pause = (long)receiveWindow + (64 * 1024) + 1;
        _incoming = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: receiveWindow, useSynchronizationContext: false));

        // Most callers never look at the reply of a stream the peer opened, or after a reset; a fault nobody
        // awaits must not surface as an unobserved task exception.
        _ = _reply.Task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public uint Id { get; }

    /// <summary>The SYN_STREAM headers (sent by whichever side opened the stream).</summary>
    public SpdyHeaders Headers { get; }

    /// <summary>True if this side opened the stream.</summary>
    public bool IsLocal { get; }

    /// <summary>The SYN_REPLY headers; faults if the stream is reset before the reply.</summary>
    public Task<SpdyHeaders> Reply => _reply.Task;

    /// <summary>Completes when the peer has half-closed (FIN), reset the stream or the session ended.</summary>
    public Task RemoteFinished => _remoteFinished.Task;

    /// <summary>The status of a RST_STREAM received from the peer, if any.</summary>
    public SpdyStreamStatus? ResetStatus { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    internal SpdyFlowWindow SendWindow { get; }

    /// <summary>Bytes received and not yet read by the application.</summary>
    internal long Buffered => Interlocked.Read(ref _buffered);

    internal bool IsLocalClosed => Volatile.Read(ref _localClosed) != 0;

    internal bool IsRemoteClosed => _remoteFinished.Task.IsCompleted;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var result = await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var data = result.Buffer;
        var count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        _incoming.Reader.AdvanceTo(data.GetPosition(count));
        Interlocked.Add(ref _buffered, -count);
        if (count > 0 && !IsRemoteClosed)
        {
            // Return the window once half of it has been read: fewer WINDOW_UPDATEs, and the peer never stalls.
            var pending = Interlocked.Add(ref _unacknowledged, count);
            if (pending >= _receiveWindow / 2)
            {
                Interlocked.Add(ref _unacknowledged, -pending);
                _session.QueueControlFrame(new WindowUpdateFrame(Id, (uint)pending));
            }
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _session.SendDataAsync(this, buffer, fin: false, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Sends <paramref name="buffer"/> and half-closes in the same DATA frame.</summary>
    public ValueTask WriteAndCloseAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _session.SendDataAsync(this, buffer, fin: true, cancellationToken);

    /// <summary>Half-closes this side (DATA with FIN). Does nothing if already closed.</summary>
    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) =>
        IsLocalClosed ? ValueTask.CompletedTask : _session.SendDataAsync(this, ReadOnlyMemory<byte>.Empty, fin: true, cancellationToken);

    /// <summary>Aborts both directions with RST_STREAM.</summary>
    public async ValueTask ResetAsync(SpdyStreamStatus status = SpdyStreamStatus.Cancel, CancellationToken cancellationToken = default)
    {
        var wasOpen = !IsLocalClosed || !IsRemoteClosed;
        var error = new IOException($"SPDY stream {Id} was reset locally ({status}).");
        MarkLocalClosed();
        SendWindow.Fail(error);
        _reply.TrySetException(error);

        // Only the session's reader completes the incoming pipe's writer; completing the reader is safe from
        // here and makes any delivery in progress return at once.
        Abandon();
        _remoteFinished.TrySetResult();
        if (wasOpen)
        {
            await _session.SendResetAsync(Id, status, cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);

        // Stream.DisposeAsync calls Dispose(true); CloseAsync is idempotent, so that finds nothing left to do.
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    internal bool MarkLocalClosed() => Interlocked.Exchange(ref _localClosed, 1) == 0;

    internal void SetReply(SpdyHeaders headers) => _reply.TrySetResult(headers);

    /// <summary>Called by the session's reader; awaiting here is what pauses a peer that ignores windows.</summary>
    internal async ValueTask DeliverAsync(ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
    {
        if (IsRemoteClosed)
        {
            return;
        }

        if (!data.IsEmpty && !_abandoned)
        {
            Interlocked.Add(ref _buffered, data.Length);
            await _incoming.Writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }

        if (fin)
        {
            OnRemoteFinished(null);
        }
    }

    internal void OnReset(SpdyStreamStatus status)
    {
        ResetStatus = status;
        var error = new IOException($"SPDY stream {Id} was reset by the peer ({status}).");
        MarkLocalClosed();
        SendWindow.Fail(error);
        _reply.TrySetException(error);

        // Data that arrived before the reset stays readable; the reader then sees the end of the stream.
        OnRemoteFinished(null);
    }

    internal void OnSessionClosed(Exception error)
    {
        MarkLocalClosed();
        SendWindow.Fail(error);
        _reply.TrySetException(error);
        OnRemoteFinished(error);
    }

    private void OnRemoteFinished(Exception? error)
    {
        if (_remoteFinished.TrySetResult())
        {
            _incoming.Writer.Complete(error);
        }
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await CloseWriteAsync().ConfigureAwait(false);
            if (!IsRemoteClosed)
            {
                await ResetAsync(SpdyStreamStatus.Cancel).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The session is gone; there is nobody left to tell.
        }

        Abandon();
    }

    private void Abandon()
    {
        _abandoned = true;
        _incoming.Reader.Complete();
    }
}
