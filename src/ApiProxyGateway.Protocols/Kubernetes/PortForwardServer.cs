using System.Globalization;
using System.Threading.Channels;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The server (kubelet) side of <c>portforward.k8s.io</c>: pairs the client's <c>error</c> and <c>data</c>
/// streams by <c>requestID</c> and hands out complete pairs; a pair not complete within the stream-creation
/// timeout is reset. The port comes from the stream headers, never from the URL.
/// </summary>
public sealed class PortForwardServer : IAsyncDisposable
{
    private readonly SpdySession _session;
    private readonly TimeSpan _pairTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<PortForwardStreamPair> _pairs = Channel.CreateUnbounded<PortForwardStreamPair>();
    private readonly Dictionary<string, (SpdyStream? Data, SpdyStream? Error)> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private PortForwardServer(SpdySession session, TimeSpan pairTimeout, TimeProvider timeProvider)
    {
        _session = session;
        _pairTimeout = pairTimeout;
        _timeProvider = timeProvider;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Starts pairing the streams of <paramref name="session"/> (kubelet default timeout: 30 s).</summary>
    public static PortForwardServer Start(SpdySession session, TimeSpan? streamPairTimeout = null, TimeProvider? timeProvider = null) =>
        new(session ?? throw new ArgumentNullException(nameof(session)), streamPairTimeout ?? TimeSpan.FromSeconds(30), timeProvider ?? TimeProvider.System);

    /// <summary>The next complete pair, or null when the client can open no more streams.</summary>
    public async ValueTask<PortForwardStreamPair?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _pairs.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_pairs.Reader.TryRead(out var pair))
            {
                return pair;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>The pair key: the requestID header, or for clients older than 1.7 the stream ids (error n, data n+2).</summary>
    private static string RequestId(SpdyStream stream, string type) =>
        stream.Headers[StreamHeaders.RequestId]
        ?? (type == StreamHeaders.Error ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (await _session.AcceptStreamAsync(_stop.Token).ConfigureAwait(false) is { } stream)
            {
                await OnStreamAsync(stream).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The session or this server is shutting down.
        }
        finally
        {
            _pairs.Writer.TryComplete();
        }
    }

    private async Task OnStreamAsync(SpdyStream stream)
    {
        var type = stream.Headers[StreamHeaders.StreamType];
        if (type is not (StreamHeaders.Data or StreamHeaders.Error))
        {
            await stream.ResetAsync(SpdyStreamStatus.RefusedStream).ConfigureAwait(false);
            return;
        }

        var id = RequestId(stream, type);
        (SpdyStream? Data, SpdyStream? Error) entry;
        bool created;
        lock (_lock)
        {
            created = !_pending.TryGetValue(id, out entry);
            entry = type == StreamHeaders.Data ? (entry.Data ?? stream, entry.Error) : (entry.Data, entry.Error ?? stream);
            _pending[id] = entry;
            if (entry is { Data: not null, Error: not null })
            {
                _pending.Remove(id);
            }
        }

        if (created)
        {
            _ = ExpireAsync(id);
        }

        if (entry is { Data: { } data, Error: { } error })
        {
            await CompletePairAsync(id, data, error).ConfigureAwait(false);
        }
    }

    private async Task CompletePairAsync(string id, SpdyStream data, SpdyStream error)
    {
        var portText = data.Headers[StreamHeaders.Port];
        if (!ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            var pair = new PortForwardStreamPair(id, 0, data, error);
            await pair.WriteErrorAsync($"error parsing port \"{portText}\": invalid port").ConfigureAwait(false);
            await pair.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _pairs.Writer.TryWrite(new PortForwardStreamPair(id, port, data, error));
    }

    private async Task ExpireAsync(string id)
    {
        try
        {
            await Task.Delay(_pairTimeout, _timeProvider, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        (SpdyStream? Data, SpdyStream? Error) entry;
        lock (_lock)
        {
            if (!_pending.Remove(id, out entry))
            {
                return;
            }
        }

        try
        {
            if (entry.Error is { } error)
            {
                await error.WriteAndCloseAsync("timed out waiting for streams"u8.ToArray()).ConfigureAwait(false);
            }

            foreach (var stream in new[] { entry.Data, entry.Error })
            {
                if (stream is not null)
                {
                    await stream.ResetAsync(SpdyStreamStatus.Cancel).ConfigureAwait(false);
                }
            }
        }
        catch (IOException)
        {
            // The session ended meanwhile.
        }
    }
}
