using ApiProxyGateway.Protocols;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.WebSockets;
using ApiProxyGateway.Recording;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// A WebSocket passed through to a kubelet that speaks it: follows the kubelet's frames to the client, and says
/// farewell as <see cref="StreamFarewell.WebSocket"/> does (the reason on the error channel(s) of the negotiated
/// protocol, then a close carrying it: 1000 after an error channel, 1008 when the close is the only place for it).
/// A recorded session's client frames are followed too, for stdin and resizes.
/// </summary>
internal sealed class WebSocketPassthroughFraming(string protocol, bool portForward, int ports, SessionRecording? recording) : PassthroughFraming
{
    private readonly WebSocketFrameScanner _toClient = new(Recorder(recording, protocol, fromClient: false));
    private readonly WebSocketFrameScanner? _fromClient = recording is null ? null : new(Recorder(recording, protocol, fromClient: true));

    protected override IFrameScanner ToClientScanner => _toClient;

    protected override IFrameScanner? FromClientScanner => _fromClient;

    protected override SessionRecording? Recording => recording;

    protected override string FramesName => "WebSocket";

    public override byte[]? Farewell(string message) =>
        _toClient.AtFrameBoundary && !_toClient.Closed
            ? StreamFarewell.WebSocket(message, protocol, portForward, ports, closeOnly: _toClient.InsideFragmentedMessage)
            : null;

    private static ChannelMessageRecorder? Recorder(SessionRecording? recording, string protocol, bool fromClient) =>
        recording is null ? null : new ChannelMessageRecorder(recording, StreamProtocols.IsBase64(protocol), fromClient);
}
