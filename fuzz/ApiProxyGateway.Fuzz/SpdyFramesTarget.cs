using System.Buffers;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>spdy-frames</c>: <see cref="SpdyFrameReader"/> (and through it the header decompressor) over arbitrary bytes.
/// Input: one byte that chooses the chunking and the DATA fragment size, then the wire bytes. The bytes are read
/// once whole and once cut into input-driven chunks; both readings must give the same frames and the same
/// error, the only error allowed is <see cref="SpdyProtocolException"/>, and neither may allocate beyond a
/// budget proportional to the input.
/// </summary>
internal static class SpdyFramesTarget
{
    public static FuzzTarget Target { get; } = new(
        "spdy-frames",
        "SpdyFrameReader over arbitrary bytes, read whole and re-split into input-driven chunks",
        ["ApiProxyGateway.Protocols.dll", "ICSharpCode.SharpZipLib.dll"],
        Run,
        SpdySeeds.Frames);

    private static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var control = input[0];
        var wire = input.AsMemory(1);
        var fragment = (control & 0x80) != 0 ? 16 : 64 * 1024;

        var whole = Read(wire, [wire.Length], fragment);
        var chunked = Read(wire, ChunkSizes(control, wire.Length), fragment);

        if (!whole.SequenceEqual(chunked))
        {
            throw new FuzzFinding($"Reading in chunks changed the result:\n whole:   {string.Join(" | ", whole)}\n chunked: {string.Join(" | ", chunked)}");
        }
    }

    /// <summary>The frames read (DATA pieces of one frame merged), ending with the error if one was thrown.</summary>
    private static List<string> Read(ReadOnlyMemory<byte> wire, IEnumerable<int> chunkSizes, int fragment)
    {
        var events = new List<string>();
        var budget = AllocationBudget.Start(wire.Length, baseline: 2 << 20, perInputByte: 8 * 1024);
        var reader = new SpdyFrameReader(maxDataFragment: fragment);
        var pending = new byte[Math.Max(16, wire.Length)];
        int start = 0, end = 0, offset = 0;
        try
        {
            foreach (var size in chunkSizes)
            {
                var chunk = wire.Slice(offset, Math.Min(size, wire.Length - offset));
                offset += chunk.Length;
                chunk.Span.CopyTo(pending.AsSpan(end));
                end += chunk.Length;
                var buffer = new ReadOnlySequence<byte>(pending, start, end - start);
                while (reader.TryRead(ref buffer, out var frame))
                {
                    Add(events, frame);
                }

                start = end - (int)buffer.Length;
                if (offset == wire.Length)
                {
                    break;
                }
            }
        }
        catch (SpdyProtocolException ex)
        {
            events.Add("error: " + ex.Message);
        }

        budget.Check("Reading SPDY frames");
        return events;
    }

    private static void Add(List<string> events, SpdyFrame frame)
    {
        if (frame is SpdyDataFrame data)
        {
            // A DATA frame may come in pieces, as many as the chunking makes; only their bytes and the FIN count.
            var text = $"DATA {data.StreamId} {Convert.ToHexString(data.Data.Span)}";
            if (events.Count > 0 && events[^1].StartsWith($"DATA {data.StreamId} ", StringComparison.Ordinal) && !events[^1].EndsWith(" fin", StringComparison.Ordinal))
            {
                text = events[^1] + Convert.ToHexString(data.Data.Span);
                events.RemoveAt(events.Count - 1);
            }

            events.Add(data.Fin ? text + " fin" : text);
            return;
        }

        events.Add(Describe(frame));
    }

    private static string Describe(SpdyFrame frame) => frame switch
    {
        SynStreamFrame s => $"SYN_STREAM {s.StreamId} {s.AssociatedStreamId} {s.Priority} {s.Fin} {s.Unidirectional} [{s.Headers}]",
        SynReplyFrame r => $"SYN_REPLY {r.StreamId} {r.Fin} [{r.Headers}]",
        HeadersFrame h => $"HEADERS {h.StreamId} {h.Fin} [{h.Headers}]",
        SettingsFrame s => $"SETTINGS {s.ClearSettings} {string.Join(",", s.Entries)}",
        UnknownControlFrame u => $"UNKNOWN {u.Type} {u.Flags} {u.Length}",
        _ => frame.ToString(),
    };

    /// <summary>1 to 64-byte chunks from a small generator seeded by the control byte, so afl can steer the cuts.</summary>
    private static IEnumerable<int> ChunkSizes(byte control, int total)
    {
        var state = (uint)(control & 0x7F) + 1;
        for (var sent = 0; sent < total;)
        {
            state = (state * 1103515245) + 12345;
            var size = 1 + (int)((state >> 16) % 64);
            sent += size;
            yield return size;
        }
    }
}
