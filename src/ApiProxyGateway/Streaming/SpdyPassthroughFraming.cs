using ApiProxyGateway.Protocols;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Recording;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// A SPDY/3.1 connection passed through to a kubelet: follows both directions' frames, keeps the streams the client
/// opened until the kubelet finishes or either side resets them, and says farewell on the error streams among them
/// (<c>streamtype: error</c>: one for exec and attach, one per forwarded connection for port-forward) and ends the
/// others, as <see cref="StreamFarewell.Spdy"/> does. A recorded session's streams are mapped to channels by the same
/// headers, and their DATA handed to the recording as it passes.
/// </summary>
internal sealed class SpdyPassthroughFraming : PassthroughFraming
{
    /// <summary>Streams followed at most; a client that opens more only misses the farewell and the recording on the rest.</summary>
    private const int MaxStreams = 1000;

    private readonly string _protocol;
    private readonly SessionRecording? _recording;
    private readonly HashSet<uint> _errorStreams = [];
    private readonly HashSet<uint> _otherStreams = [];
    private readonly Dictionary<uint, RecordedChannel> _channels = [];
    private readonly SpdyFrameScanner _fromClient;
    private readonly SpdyFrameScanner _toClient;

    public SpdyPassthroughFraming(string protocol, SessionRecording? recording)
    {
        _protocol = protocol;
        _recording = recording;
        _fromClient = new SpdyFrameScanner(new Streams(this, fromClient: true));
        _toClient = new SpdyFrameScanner(new Streams(this, fromClient: false), readHeaders: false); // the client opens every stream
    }

    protected override IFrameScanner ToClientScanner => _toClient;

    protected override IFrameScanner FromClientScanner => _fromClient;

    protected override SessionRecording? Recording => _recording;

    protected override string FramesName => "SPDY";

    public override byte[]? Farewell(string message)
    {
        if (!_toClient.AtFrameBoundary)
        {
            return null;
        }

        lock (_errorStreams)
        {
            return _errorStreams.Count == 0 ? null : StreamFarewell.Spdy(message, _protocol, _errorStreams.Order().ToArray(), _otherStreams.Order().ToArray());
        }
    }

    private void Track(uint streamId, bool open, bool error = false)
    {
        lock (_errorStreams)
        {
            if (!open)
            {
                _errorStreams.Remove(streamId);
                _otherStreams.Remove(streamId);
            }
            else if (error ? _errorStreams.Count < MaxStreams : _otherStreams.Count < MaxStreams)
            {
                // Each set has its own cap: streams a client opens without an error stream cannot crowd the error streams out.
                _ = error ? _errorStreams.Add(streamId) : _otherStreams.Add(streamId);
            }
        }
    }

    private void Opened(uint streamId, string? type)
    {
        Track(streamId, open: true, error: string.Equals(type, StreamHeaders.Error, StringComparison.Ordinal));

        if (_recording is null || Channel(type) is not { } channel)
        {
            return;
        }

        lock (_channels)
        {
            if (_channels.Count < MaxStreams)
            {
                _channels[streamId] = channel;
            }
        }
    }

    private void Data(uint streamId, ReadOnlySpan<byte> data, bool fromClient)
    {
        if (_recording is null)
        {
            return;
        }

        RecordedChannel channel;
        lock (_channels)
        {
            if (!_channels.TryGetValue(streamId, out channel) || !RecordedChannels.Sends(channel, fromClient))
            {
                return; // data on the other side's stream reaches no one
            }
        }

        _recording.Write(channel, data);
    }

    private static RecordedChannel? Channel(string? type) => type switch
    {
        StreamHeaders.Stdin => RecordedChannel.Stdin,
        StreamHeaders.Stdout => RecordedChannel.Stdout,
        StreamHeaders.Stderr => RecordedChannel.Stderr,
        StreamHeaders.Error => RecordedChannel.Error,
        StreamHeaders.Resize => RecordedChannel.Resize,
        _ => null,
    };

    /// <summary>One direction's view: the client opens the streams; the kubelet's FIN, or a reset from either side, takes a stream out of the farewell.</summary>
    private sealed class Streams(SpdyPassthroughFraming owner, bool fromClient) : ISpdyStreamObserver
    {
        public void Opened(uint streamId, SpdyHeaders headers)
        {
            if (fromClient)
            {
                owner.Opened(streamId, headers[StreamHeaders.StreamType]);
            }
        }

        public void Data(uint streamId, ReadOnlySpan<byte> data) => owner.Data(streamId, data, fromClient);

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
