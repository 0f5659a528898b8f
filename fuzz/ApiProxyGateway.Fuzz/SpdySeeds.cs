using System.Buffers;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// Seed inputs made of real frames, written by the gateway's own <see cref="SpdyFrameWriter"/> the way kubectl
/// and kubelets exchange them: the streams of an exec and of a port-forward with their kubectl-style headers,
/// SETTINGS, PING, DATA, WINDOW_UPDATE, RST_STREAM, GOAWAY.
/// </summary>
internal static class SpdySeeds
{
    private static readonly SpdyHeaders[] KubectlHeaderBlocks =
    [
        new() { { StreamHeaders.StreamType, StreamHeaders.Error } },
        new() { { StreamHeaders.StreamType, StreamHeaders.Stdin } },
        new() { { StreamHeaders.StreamType, StreamHeaders.Stdout } },
        new() { { StreamHeaders.StreamType, StreamHeaders.Resize } },
        new() { { StreamHeaders.StreamType, StreamHeaders.Error }, { StreamHeaders.Port, "8080" }, { StreamHeaders.RequestId, "0" } },
        new() { { StreamHeaders.StreamType, StreamHeaders.Data }, { StreamHeaders.Port, "8080" }, { StreamHeaders.RequestId, "0" } },
    ];

    /// <summary>spdy-frames seeds: a control byte (chunking), then frames in wire order.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Frames()
    {
        (string, SpdyFrame[])[] files =
        [
            ("exec-v4-streams", [
                Settings(),
                new SynStreamFrame(1, 0, 0, false, false, KubectlHeaderBlocks[0]),
                new SynStreamFrame(3, 0, 0, false, false, KubectlHeaderBlocks[1]),
                new SynStreamFrame(5, 0, 0, false, false, KubectlHeaderBlocks[2]),
                new SynStreamFrame(7, 0, 0, false, false, KubectlHeaderBlocks[3]),
                new SpdyDataFrame(3, false, "ls -l\n"u8.ToArray()),
                new SpdyDataFrame(7, false, "{\"Width\":80,\"Height\":24}\n"u8.ToArray()),
                new SpdyDataFrame(3, true, ReadOnlyMemory<byte>.Empty)]),
            ("port-forward-pair", [
                new SynStreamFrame(1, 0, 0, false, false, KubectlHeaderBlocks[4]),
                new SynStreamFrame(3, 0, 0, false, false, KubectlHeaderBlocks[5]),
                new SpdyDataFrame(3, false, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray()),
                new WindowUpdateFrame(3, 65536)]),
            ("kubelet-replies", [
                Settings(),
                new SynReplyFrame(1, false, []),
                new HeadersFrame(1, true, KubectlHeaderBlocks[0]),
                new SpdyDataFrame(1, true, "{\"metadata\":{},\"status\":\"Success\"}"u8.ToArray())]),
            ("settings", [Settings()]),
            ("ping", [new PingFrame(1), new PingFrame(2)]),
            ("data-large", [new SpdyDataFrame(1, true, Enumerable.Range(0, 300).Select(i => (byte)i).ToArray())]),
            ("rst-goaway", [new RstStreamFrame(1, SpdyStreamStatus.Cancel), new GoAwayFrame(3, 0)]),
            ("unknown-control", [new UnknownControlFrame(10, 0, 12), new PingFrame(1)]),
        ];

        foreach (var (name, frames) in files)
        {
            var wire = Write(frames);
            yield return (name, [0x00, .. wire]);
            yield return (name + "-chunked", [0x95, .. wire]);
        }
    }

    /// <summary>spdy-headers seeds: mode 0 (raw blocks, each with a 16-bit length) and mode 1 (headers to round-trip).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> HeaderBlocks()
    {
        var compressor = new SpdyHeaderCompressor();
        var blocks = new List<byte>();
        foreach (var headers in KubectlHeaderBlocks)
        {
            var output = new ArrayBufferWriter<byte>();
            compressor.Compress(headers, output);
            blocks.Add((byte)(output.WrittenCount >> 8));
            blocks.Add((byte)output.WrittenCount);
            blocks.AddRange(output.WrittenSpan.ToArray());
        }

        yield return ("kubectl-blocks-one-stream", [0x00, .. blocks]);
        yield return ("round-trip-exec", RoundTrip([[("streamtype", "error"), ("port", "8080")], [("streamtype", "stdin")]]));
        yield return ("round-trip-repeated", RoundTrip([[("x", "a"), ("y", "b"), ("x", "c")]]));
    }

    /// <summary>Mode 1 input: blocks split by 0xFF, entries by 0xFE, name and value by 0xFD (see <see cref="SpdyHeadersTarget"/>).</summary>
    private static byte[] RoundTrip(IEnumerable<IEnumerable<(string Name, string Value)>> blocks) =>
        [0x01, .. System.Text.Encoding.Latin1.GetBytes(string.Join('\u00FF', blocks.Select(b => string.Join('\u00FE', b.Select(e => e.Name + '\u00FD' + e.Value)))))];

    private static SettingsFrame Settings() =>
        new(false, [new SpdySetting(0, SpdySetting.MaxConcurrentStreams, 1000), new SpdySetting(0, SpdySetting.InitialWindowSize, 256 * 1024)]);

    private static byte[] Write(IEnumerable<SpdyFrame> frames)
    {
        var writer = new SpdyFrameWriter();
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            writer.Write(frame, output);
        }

        return output.WrittenSpan.ToArray();
    }
}
