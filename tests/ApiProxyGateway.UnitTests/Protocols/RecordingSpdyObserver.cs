using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>What a <see cref="SpdyFrameScanner"/> told, in order, as comparable text.</summary>
internal sealed class RecordingSpdyObserver : ISpdyStreamObserver
{
    public List<string> Events { get; } = [];

    public void Opened(uint streamId, SpdyHeaders headers) => Events.Add($"opened {streamId} [{headers}]");

    public void HalfClosed(uint streamId) => Events.Add($"half-closed {streamId}");

    public void Reset(uint streamId) => Events.Add($"reset {streamId}");
}
