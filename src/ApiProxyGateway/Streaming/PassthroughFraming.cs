using ApiProxyGateway.Protocols;
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
    public bool AtBoundary => ToClientScanner.AtFrameBoundary;

    /// <summary>Follows the frames going to the client.</summary>
    protected abstract IFrameScanner ToClientScanner { get; }

    /// <summary>Follows the frames going to the kubelet, when anything needs them.</summary>
    protected abstract IFrameScanner? FromClientScanner { get; }

    /// <summary>The session's recording, if it is recorded.</summary>
    protected abstract SessionRecording? Recording { get; }

    /// <summary>What the frames are, for a recording that stops: "SPDY", "WebSocket".</summary>
    protected abstract string FramesName { get; }

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
    public void FromClient(ReadOnlySpan<byte> data)
    {
        if (FromClientScanner is { } scanner)
        {
            scanner.Scan(data);
            AbandonRecordingIfLost(scanner, "the client's");
        }
    }

    /// <summary>Follows bytes on their way to the client; with <paramref name="toBoundary"/> only up to the next frame boundary. Returns how many may go.</summary>
    public int ToClient(ReadOnlySpan<byte> data, bool toBoundary)
    {
        var taken = data.Length;
        if (toBoundary)
        {
            taken = ToClientScanner.ScanToBoundary(data);
        }
        else
        {
            ToClientScanner.Scan(data);
        }

        AbandonRecordingIfLost(ToClientScanner, "the kubelet's");
        return taken;
    }

    /// <summary>The bytes that tell the client <paramref name="message"/>, or null when nothing can be added here.</summary>
    public abstract byte[]? Farewell(string message);

    /// <summary>
    /// A direction the scanner can no longer follow (a malformed frame, or one over its limits, which a kubelet may
    /// still accept) would leave the rest of the session out of its recording without a word: the recording is
    /// stopped and reported instead, which ends the session when recording is required.
    /// </summary>
    private void AbandonRecordingIfLost(IFrameScanner scanner, string side)
    {
        if (scanner.Lost && Recording is { } recording)
        {
            recording.Abandon($"{side} {FramesName} frames could not be followed");
        }
    }
}
