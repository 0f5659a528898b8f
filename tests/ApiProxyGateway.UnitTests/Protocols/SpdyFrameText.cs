using System.Buffers;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>Frames as comparable text, plus encode/decode helpers for codec tests.</summary>
internal static class SpdyFrameText
{
    public static string Describe(SpdyFrame frame) => frame switch
    {
        SpdyDataFrame d => $"DATA {d.StreamId} fin={d.Fin} {Convert.ToHexString(d.Data.Span)}",
        SynStreamFrame s => $"SYN_STREAM {s.StreamId} assoc={s.AssociatedStreamId} pri={s.Priority} fin={s.Fin} uni={s.Unidirectional} [{s.Headers}]",
        SynReplyFrame r => $"SYN_REPLY {r.StreamId} fin={r.Fin} [{r.Headers}]",
        HeadersFrame h => $"HEADERS {h.StreamId} fin={h.Fin} [{h.Headers}]",
        RstStreamFrame r => $"RST_STREAM {r.StreamId} {r.Status}",
        SettingsFrame s => $"SETTINGS clear={s.ClearSettings} {string.Join(",", s.Entries)}",
        PingFrame p => $"PING {p.Id}",
        GoAwayFrame g => $"GOAWAY {g.LastGoodStreamId} {g.Status}",
        WindowUpdateFrame w => $"WINDOW_UPDATE {w.StreamId} {w.DeltaWindowSize}",
        UnknownControlFrame u => $"UNKNOWN {u.Type} {u.Flags} {u.Length}",
        _ => throw new ArgumentException(frame.GetType().Name),
    };

    public static byte[] Encode(params IEnumerable<SpdyFrame> frames)
    {
        var writer = new SpdyFrameWriter();
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            writer.Write(frame, output);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Feeds <paramref name="bytes"/> to one reader in chunks cut at <paramref name="cuts"/>, as a pipe would.</summary>
    public static List<SpdyFrame> Decode(byte[] bytes, IEnumerable<int> cuts, int maxDataFragment = 64 * 1024)
    {
        var reader = new SpdyFrameReader(maxDataFragment: maxDataFragment);
        var frames = new List<SpdyFrame>();
        var pending = Array.Empty<byte>();
        var start = 0;
        foreach (var end in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length))
        {
            pending = [.. pending, .. bytes[start..end]];
            start = end;
            var buffer = new ReadOnlySequence<byte>(pending);
            while (reader.TryRead(ref buffer, out var frame))
            {
                frames.Add(frame);
            }

            pending = buffer.ToArray();
        }

        Assert.Empty(pending);
        return frames;
    }
}
