using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.WebSockets;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// A WebSocket passed through to a kubelet that speaks it: follows the kubelet's frames to the client, and says
/// farewell as <see cref="StreamFarewell.WebSocket"/> does (the reason on the error channel(s) of the negotiated
/// protocol, then a close carrying it: 1000 after an error channel, 1008 when the close is the only place for it).
/// </summary>
internal sealed class WebSocketPassthroughFraming(string protocol, bool portForward, int ports) : PassthroughFraming
{
    private readonly WebSocketFrameScanner _toClient = new();

    public override bool AtBoundary => _toClient.AtFrameBoundary;

    public override void FromClient(ReadOnlySpan<byte> data)
    {
        // Nothing to follow: the farewell goes to the client only.
    }

    public override int ToClient(ReadOnlySpan<byte> data, bool toBoundary)
    {
        if (toBoundary)
        {
            return _toClient.ScanToBoundary(data);
        }

        _toClient.Scan(data);
        return data.Length;
    }

    public override byte[]? Farewell(string message) =>
        _toClient.AtFrameBoundary && !_toClient.Closed
            ? StreamFarewell.WebSocket(message, protocol, portForward, ports, closeOnly: _toClient.InsideFragmentedMessage)
            : null;
}
