using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// A SPDY/3.1 connection passed through to a kubelet: follows both directions' frames, keeps the error streams the
/// client opened (<c>streamtype: error</c>: one for exec and attach, one per forwarded connection for port-forward)
/// until the kubelet finishes or either side resets them, and says farewell on each as
/// <see cref="StreamFarewell.Spdy"/> does.
/// </summary>
internal sealed class SpdyPassthroughFraming : PassthroughFraming
{
    /// <summary>Error streams followed at most; a client that opens more only misses the farewell on the rest.</summary>
    private const int MaxErrorStreams = 1000;

    private readonly string _protocol;
    private readonly HashSet<uint> _errorStreams = [];
    private readonly SpdyFrameScanner _fromClient;
    private readonly SpdyFrameScanner _toClient;

    public SpdyPassthroughFraming(string protocol)
    {
        _protocol = protocol;
        _fromClient = new SpdyFrameScanner(new Streams(this, fromClient: true));
        _toClient = new SpdyFrameScanner(new Streams(this, fromClient: false));
    }

    public override bool AtBoundary => _toClient.AtFrameBoundary;

    public override void FromClient(ReadOnlySpan<byte> data) => _fromClient.Scan(data);

    public override int ToClient(ReadOnlySpan<byte> data, bool toBoundary)
    {
        if (toBoundary)
        {
            return _toClient.ScanToBoundary(data);
        }

        _toClient.Scan(data);
        return data.Length;
    }

    public override byte[]? Farewell(string message)
    {
        if (!_toClient.AtFrameBoundary)
        {
            return null;
        }

        lock (_errorStreams)
        {
            return _errorStreams.Count == 0 ? null : StreamFarewell.Spdy(message, _protocol, _errorStreams.Order().ToArray());
        }
    }

    private void Track(uint streamId, bool open)
    {
        lock (_errorStreams)
        {
            if (!open)
            {
                _errorStreams.Remove(streamId);
            }
            else if (_errorStreams.Count < MaxErrorStreams)
            {
                _errorStreams.Add(streamId);
            }
        }
    }

    /// <summary>One direction's view: the client opens error streams; the kubelet's FIN, or a reset from either side, ends them.</summary>
    private sealed class Streams(SpdyPassthroughFraming owner, bool fromClient) : ISpdyStreamObserver
    {
        public void Opened(uint streamId, SpdyHeaders headers)
        {
            if (fromClient && string.Equals(headers[StreamHeaders.StreamType], StreamHeaders.Error, StringComparison.Ordinal))
            {
                owner.Track(streamId, open: true);
            }
        }

        public void HalfClosed(uint streamId)
        {
            if (!fromClient)
            {
                owner.Track(streamId, open: false);
            }
        }

        public void Reset(uint streamId) => owner.Track(streamId, open: false);
    }
}
