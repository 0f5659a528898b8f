using System.Buffers;
using System.Text;
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
        var data = new StringBuilder();
        uint? dataStream = null;
        var reader = new SpdyFrameReader(maxDataFragment: fragment);
        var pending = new byte[Math.Max(16, wire.Length)];
        int start = 0, end = 0, offset = 0;
        long readerAllocated = 0;
        try
        {
            foreach (var size in chunkSizes)
            {
                var chunk = wire.Slice(offset, Math.Min(size, wire.Length - offset));
                offset += chunk.Length;
                chunk.Span.CopyTo(pending.AsSpan(end));
                end += chunk.Length;
                var buffer = new ReadOnlySequence<byte>(pending, start, end - start);
                while (true)
                {
                    // Only the reader's allocations count against the budget, not this harness's bookkeeping.
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        if (!reader.TryRead(ref buffer, out var frame))
                        {
                            break;
                        }

                        readerAllocated += GC.GetAllocatedBytesForCurrentThread() - before;
                        Add(events, data, ref dataStream, frame);
                    }
                    catch (SpdyProtocolException)
                    {
                        readerAllocated += GC.GetAllocatedBytesForCurrentThread() - before;
                        throw;
                    }
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
            Flush(events, data, ref dataStream, fin: false);
            events.Add("error: " + ex.Message);
        }

        Flush(events, data, ref dataStream, fin: false);
        var budget = (2L << 20) + (8L * 1024 * wire.Length);
        if (readerAllocated > budget)
        {
            throw new FuzzFinding($"Reading {wire.Length} bytes of SPDY frames allocated {readerAllocated} bytes, over the budget of {budget}.");
        }

        return events;
    }

    private static void Add(List<string> events, StringBuilder data, ref uint? dataStream, SpdyFrame frame)
    {
        if (frame is SpdyDataFrame piece)
        {
            // A DATA frame may come in pieces, as many as the chunking makes; only their bytes and the FIN count.
            if (dataStream != piece.StreamId)
            {
                Flush(events, data, ref dataStream, fin: false);
                dataStream = piece.StreamId;
            }

            data.Append(Convert.ToHexString(piece.Data.Span));
            if (piece.Fin)
            {
                Flush(events, data, ref dataStream, fin: true);
            }

            return;
        }

        Flush(events, data, ref dataStream, fin: false);
        events.Add(Describe(frame));
    }

    private static void Flush(List<string> events, StringBuilder data, ref uint? dataStream, bool fin)
    {
        if (dataStream is { } stream)
        {
            events.Add($"DATA {stream} {data}{(fin ? " fin" : "")}");
            data.Clear();
            dataStream = null;
        }
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

    /// <summary>1 to 64-byte chunks from a small generator seeded by the control byte's low 7 bits, so afl can steer the cuts (frame-scanners uses them too).</summary>
    internal static IEnumerable<int> ChunkSizes(byte control, int total)
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
