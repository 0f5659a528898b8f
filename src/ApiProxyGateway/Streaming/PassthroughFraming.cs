using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Recording;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Follows a stream that passes through byte for byte closely enough to end it with a reason: the frames going to the
/// client, so that the gateway's own last frames land between two of the kubelet's, and whatever else the farewell
/// needs to know (the error streams a SPDY client opened), and a session recording's channels. It never changes or
/// holds a byte that passes.
/// </summary>
internal abstract class PassthroughFraming
{
    /// <summary>Every byte sent to the client so far ends a whole frame.</summary>
    public abstract bool AtBoundary { get; }

    /// <summary>
    /// The framing for an upgrade to <paramref name="upgrade"/> (SPDY/3.1 or websocket) in which the kubelet chose
    /// <paramref name="protocol"/>; <paramref name="ports"/> is how many ports a port-forward names in its query. With a
    /// <paramref name="recording"/>, the framing also hands it every channel's data as it passes.
    /// </summary>
    public static PassthroughFraming For(PodSubresource subresource, string upgrade, string protocol, int ports, SessionRecording? recording) =>
        string.Equals(upgrade, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase)
            ? new WebSocketPassthroughFraming(protocol, subresource == PodSubresource.PortForward, ports, recording)
            : new SpdyPassthroughFraming(protocol, recording);

    /// <summary>Follows bytes on their way to the kubelet.</summary>
    public abstract void FromClient(ReadOnlySpan<byte> data);

    /// <summary>Follows bytes on their way to the client; with <paramref name="toBoundary"/> only up to the next frame boundary. Returns how many may go.</summary>
    public abstract int ToClient(ReadOnlySpan<byte> data, bool toBoundary);

    /// <summary>The bytes that tell the client <paramref name="message"/>, or null when nothing can be added here.</summary>
    public abstract byte[]? Farewell(string message);
}
