namespace ApiProxyGateway.Protocols.Spdy;

public sealed partial class SpdySession
{
    internal async ValueTask SendDataAsync(SpdyStream stream, ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
    {
        if (stream.IsLocalClosed)
        {
            throw new IOException($"SPDY stream {stream.Id} is closed for writing.");
        }

        do
        {
            var size = 0;
            if (!data.IsEmpty)
            {
                // Both the stream and the session window must allow the bytes (SPDY/3.1 added the session window).
                var enforce = _peerFlowControl;
                var wanted = Math.Min(data.Length, _options.MaxDataFrameLength);
                var granted = await stream.SendWindow.TakeAsync(wanted, enforce, cancellationToken).ConfigureAwait(false);
                size = await _sessionSendWindow.TakeAsync(granted, enforce, cancellationToken).ConfigureAwait(false);
                if (size < granted)
                {
                    stream.SendWindow.Adjust(granted - size);
                }
            }

            var chunk = data[..size];
            data = data[size..];
            var last = fin && data.IsEmpty;
            if (last && !stream.MarkLocalClosed())
            {
                throw new IOException($"SPDY stream {stream.Id} is closed for writing.");
            }

            await SendFrameAsync(new SpdyDataFrame(stream.Id, last, chunk), CancellationToken.None).ConfigureAwait(false);
            if (last)
            {
                ForgetIfClosed(stream);
            }
        }
        while (!data.IsEmpty);
    }

    /// <summary>
    /// Queues a frame that needs no ordering against header frames (WINDOW_UPDATE, PING answers) and writes it
    /// as soon as the transport is free. The frame reader never waits on a transport write this way, so two
    /// peers whose socket buffers are both full cannot end up each waiting for the other to read.
    /// </summary>
    internal void QueueControlFrame(SpdyFrame frame)
    {
        _controlFrames.Enqueue(frame);
        _ = FlushControlFramesAsync();
    }

    private async Task FlushControlFramesAsync()
    {
        while (!_controlFrames.IsEmpty && !_completion.Task.IsCompleted && _writeLock.Wait(0))
        {
            try
            {
                while (_controlFrames.TryDequeue(out var frame))
                {
                    await WriteLockedAsync(frame).ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The session is closing; its reader reports why.
                _controlFrames.Clear();
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    internal async ValueTask SendResetAsync(uint streamId, SpdyStreamStatus status, CancellationToken cancellationToken)
    {
        if (TryRemoveStream(streamId, out var stream))
        {
            stream.MarkLocalClosed();
        }

        await SendFrameAsync(new RstStreamFrame(streamId, status), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendFrameAsync(SpdyFrame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteLockedAsync(frame).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        // Control frames queued while this write held the lock go out now.
        if (!_controlFrames.IsEmpty)
        {
            _ = FlushControlFramesAsync();
        }
    }

    /// <summary>
    /// Writes one frame with a single transport write: Go's reader checks that a header block was consumed
    /// exactly, which it only manages reliably when the whole frame arrives in one read (one TLS record).
    /// </summary>
    private async ValueTask WriteLockedAsync(SpdyFrame frame)
    {
        if (_completion.Task.IsCompleted && frame is not GoAwayFrame)
        {
            throw new IOException("The SPDY session is closed.");
        }

        _writeBuffer.ResetWrittenCount();
        _writer.Write(frame, _writeBuffer);
        try
        {
            await _transport.WriteAsync(_writeBuffer.WrittenMemory, _shutdown.Token).ConfigureAwait(false);
            await _transport.FlushAsync(_shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Transports fail in their own ways (WebSocketException from a tunnel, ObjectDisposedException,
            // cancellation by DisposeAsync); callers of a stream only need to know the session is gone.
            throw new IOException("The SPDY session's transport failed while writing.", ex);
        }
    }
}
