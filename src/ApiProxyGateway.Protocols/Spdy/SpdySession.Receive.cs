using System.IO.Pipelines;

namespace ApiProxyGateway.Protocols.Spdy;

public sealed partial class SpdySession
{
    private const uint GoAwayProtocolError = 1;

    private async Task RunAsync()
    {
        Exception? error = null;
        var input = PipeReader.Create(_transport, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var pinger = _options.PingInterval is { } interval ? PingPeriodicallyAsync(interval) : Task.CompletedTask;
        try
        {
            // Advertise our limits first, so a flow-controlled peer never overruns a stream's buffer and a
            // well-behaved one never has a stream refused.
            await SendFrameAsync(
                new SettingsFrame(false, [
                    new SpdySetting(0, SpdySetting.MaxConcurrentStreams, (uint)_options.MaxConcurrentStreams),
                    new SpdySetting(0, SpdySetting.InitialWindowSize, (uint)_options.InitialWindowSize)]),
                _shutdown.Token).ConfigureAwait(false);
            while (true)
            {
                var result = await input.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (_reader.TryRead(ref buffer, out var frame))
                    {
                        await HandleFrameAsync(frame).ConfigureAwait(false);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new SpdyProtocolException("The SPDY connection ended inside a frame.");
                    }

                    break;
                }
            }
        }
        catch (Exception ex) when (Volatile.Read(ref _disposed) != 0)
        {
            // Reading fails in many ways once DisposeAsync closed the transport; none of them is news.
            _ = ex;
        }
        catch (Exception ex)
        {
            error = ex;
            if (ex is SpdyProtocolException)
            {
                // A peer that broke a rule may also have stopped reading: never wait longer than CloseTimeout
                // for the transport (cancelling also ends a write that is stuck holding the write lock).
                _shutdown.CancelAfter(_options.CloseTimeout);
                await TrySendGoAwayAsync(GoAwayProtocolError).ConfigureAwait(false);
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }

        TearDown(error);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await pinger.ConfigureAwait(false);
    }

    private async Task PingPeriodicallyAsync(TimeSpan interval)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, _options.TimeProvider, _shutdown.Token).ConfigureAwait(false);
                var id = Interlocked.Add(ref _nextPingId, 2) - 2;
                await SendFrameAsync(new PingFrame(id), _shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session is over.
        }
    }

    private async ValueTask TrySendGoAwayAsync(uint status)
    {
        try
        {
            _goAwaySent = true;
            await SendFrameAsync(new GoAwayFrame(Volatile.Read(ref _lastPeerStreamId), status), _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The transport is already broken.
        }
    }

    private void TearDown(Exception? error)
    {
        var streamError = error is null
            ? new IOException("The SPDY session closed before the stream finished.")
            : new IOException("The SPDY session failed: " + error.Message, error);
        _sessionSendWindow.Fail(streamError);
        _accepted.Writer.TryComplete();
        foreach (var stream in _streams.Values)
        {
            stream.OnSessionClosed(streamError);
        }

        _streams.Clear();
        foreach (var pong in _pings.Values)
        {
            pong.TrySetException(streamError);
        }

        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    private async ValueTask HandleFrameAsync(SpdyFrame frame)
    {
        switch (frame)
        {
            case SpdyDataFrame data:
                await OnDataAsync(data).ConfigureAwait(false);
                break;
            case SynStreamFrame syn:
                await OnSynStreamAsync(syn).ConfigureAwait(false);
                break;
            case SynReplyFrame reply when _streams.TryGetValue(reply.StreamId, out var stream) && stream.IsLocal:
                stream.SetReply(reply.Headers);
                await FinishRemoteAsync(stream, reply.Fin).ConfigureAwait(false);
                break;
            case HeadersFrame headers when _streams.TryGetValue(headers.StreamId, out var stream):
                await FinishRemoteAsync(stream, headers.Fin).ConfigureAwait(false);
                break;
            case RstStreamFrame rst when TryRemoveStream(rst.StreamId, out var stream):
                stream.OnReset(rst.Status);
                break;
            case SettingsFrame settings:
                OnSettings(settings);
                break;
            case PingFrame ping when IsOwnId(ping.Id):
                _pings.GetValueOrDefault(ping.Id)?.TrySetResult();
                break;
            case PingFrame ping:
                if (_controlFrames.Count >= SpdyLimits.MaxQueuedControlFrames)
                {
                    throw new SpdyProtocolException($"The SPDY peer sent PINGs faster than it read the answers: more than MaxQueuedControlFrames ({SpdyLimits.MaxQueuedControlFrames}) waiting.");
                }

                QueueControlFrame(ping);
                break;
            case GoAwayFrame:
                _goAwayReceived = true;
                _accepted.Writer.TryComplete();
                break;
            case WindowUpdateFrame update:
                OnWindowUpdate(update);
                break;
            default:
                // Unknown control frames, and frames for streams that are gone, are ignored (SPDY/3.1 2.2.1).
                break;
        }
    }

    private async ValueTask OnDataAsync(SpdyDataFrame data)
    {
        // The session window is returned on receipt: per-stream windows already bound what is buffered, and
        // returning it only when read would let one unread stream starve all the others.
        _sessionUnacknowledged += data.Data.Length;
        if (_sessionUnacknowledged >= DefaultWindow / 2)
        {
            var delta = _sessionUnacknowledged;
            _sessionUnacknowledged = 0;
            QueueControlFrame(new WindowUpdateFrame(0, (uint)delta));
        }

        if (_streams.TryGetValue(data.StreamId, out var stream))
        {
            await stream.DeliverAsync(data.Data, data.Fin, _shutdown.Token).ConfigureAwait(false);
            ForgetIfClosed(stream);
        }
    }

    private async ValueTask OnSynStreamAsync(SynStreamFrame syn)
    {
        if (syn.StreamId == 0 || IsOwnId(syn.StreamId) || syn.StreamId <= _lastPeerStreamId)
        {
            await SendFrameAsync(new RstStreamFrame(syn.StreamId, SpdyStreamStatus.ProtocolError), _shutdown.Token).ConfigureAwait(false);
            return;
        }

        Volatile.Write(ref _lastPeerStreamId, syn.StreamId);

        // Streams the application has not accepted yet count too: they are held in the accept queue.
        if (_goAwaySent || Volatile.Read(ref _peerStreams) >= _options.MaxConcurrentStreams || _accepted.Reader.Count >= _options.MaxConcurrentStreams)
        {
            await SendFrameAsync(new RstStreamFrame(syn.StreamId, SpdyStreamStatus.RefusedStream), _shutdown.Token).ConfigureAwait(false);
            return;
        }

        var stream = AddStream(syn.StreamId, syn.Headers, isLocal: false);
        var reply = new SpdyHeaders();
        if (syn.Unidirectional)
        {
            stream.MarkLocalClosed();
        }
        else
        {
            await SendFrameAsync(new SynReplyFrame(syn.StreamId, false, reply), _shutdown.Token).ConfigureAwait(false);
        }

        stream.SetReply(reply);
        await FinishRemoteAsync(stream, syn.Fin).ConfigureAwait(false);
        _accepted.Writer.TryWrite(stream);
    }

    private async ValueTask FinishRemoteAsync(SpdyStream stream, bool fin)
    {
        if (fin)
        {
            await stream.DeliverAsync(ReadOnlyMemory<byte>.Empty, fin: true, _shutdown.Token).ConfigureAwait(false);
            ForgetIfClosed(stream);
        }
    }

    private void OnSettings(SettingsFrame settings)
    {
        foreach (var entry in settings.Entries)
        {
            if (entry.Id != SpdySetting.InitialWindowSize)
            {
                continue;
            }

            _peerFlowControl = true;
            lock (_windowLock)
            {
                // SPDY/3.1 2.6.4: a new initial window shifts the window of every open stream by the difference.
                var delta = entry.Value - _peerInitialWindow;
                _peerInitialWindow = entry.Value;
                foreach (var stream in _streams.Values)
                {
                    stream.SendWindow.Adjust(delta);
                }
            }
        }
    }

    private void OnWindowUpdate(WindowUpdateFrame update)
    {
        _peerFlowControl = true;
        if (update.StreamId == 0)
        {
            _sessionSendWindow.Adjust(update.DeltaWindowSize);
        }
        else if (_streams.TryGetValue(update.StreamId, out var stream))
        {
            stream.SendWindow.Adjust(update.DeltaWindowSize);
        }
    }
}
