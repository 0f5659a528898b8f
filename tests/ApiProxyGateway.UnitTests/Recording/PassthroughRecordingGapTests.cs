using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Recording;
using ApiProxyGateway.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Recording;

/// <summary>
/// A pass-through relay whose frame scanner can no longer follow a direction stops the session's recording and reports
/// it (which ends the session when recording is required), instead of leaving the rest out without a word.
/// </summary>
public sealed class PassthroughRecordingGapTests
{
    private static readonly RecordingHeader Header = new("audit-1", "jane", ["devs"], "demo", "shell", "shell", "exec", ["sh"], Tty: false, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Spdy_AClientControlFrameTheScannerCannotFollow_StopsTheRecordingAndReportsItOnce()
    {
        var reported = new List<Exception>();
        using var file = new MemoryStream();
        using var recording = new SessionRecording("f.jsonl", file, new JsonLinesFormat(), Header, new RecordingOptions(), new FakeTimeProvider(), (_, e) => reported.Add(e));
        var framing = new SpdyPassthroughFraming(StreamProtocols.RemoteCommandV4, recording);

        // A SYN_STREAM declaring 16 MiB: far over what the scanner follows (a kubelet may still take it).
        framing.FromClient(Convert.FromHexString("80030001" + "00FFFFFF"));
        framing.FromClient(new byte[100]);

        var gap = Assert.IsType<RecordingGapException>(Assert.Single(reported));
        Assert.Equal("the client's SPDY frames could not be followed", gap.Message);
        Assert.Null(recording.Complete());
    }

    [Fact]
    public void WebSocket_AKubeletFrameTheScannerCannotFollow_StopsTheRecordingAndReportsIt()
    {
        var reported = new List<Exception>();
        using var file = new MemoryStream();
        using var recording = new SessionRecording("f.jsonl", file, new JsonLinesFormat(), Header, new RecordingOptions(), new FakeTimeProvider(), (_, e) => reported.Add(e));
        var framing = new WebSocketPassthroughFraming(StreamProtocols.RemoteCommandV5, portForward: false, ports: 0, recording);

        // A frame of a reserved opcode (3): nothing after it can be read as frames.
        framing.ToClient(Convert.FromHexString("83" + "01" + "00"), toBoundary: false);

        Assert.IsType<RecordingGapException>(Assert.Single(reported));
        Assert.Contains("kubelet's WebSocket frames", reported[0].Message, StringComparison.Ordinal);
    }
}
