using System.Buffers;
using System.Buffers.Binary;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Checksum;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Inflates header blocks for one direction of one connection (one zlib stream across all frames). Inflating
/// stops as soon as a block passes <c>maxHeaderBlockSize</c>, so a zlib bomb costs no more than that limit
/// plus one chunk; after a <see cref="SpdyProtocolException"/> the shared zlib stream is unusable, and so is
/// the session.
/// </summary>
/// <remarks>
/// A zlib inflater holds a 32 KiB window for the life of the stream, and a SPDY connection keeps its stream for the
/// life of the connection: with thousands of idle port-forwards that window was the largest thing each one held. A
/// connection sends few, small header blocks (a port-forward two per forwarded connection, about 100 bytes each), so
/// this keeps only the bytes inflated so far (at most the 32 KiB a deflate back-reference can reach) and inflates each
/// block with a per-thread inflater, primed as a zlib stream that starts at that block: a zlib header naming a preset
/// dictionary, and as that dictionary the whole 32 KiB window the one long-lived inflater would have had (zeros, the
/// SPDY dictionary if the stream named it, then everything inflated before). The window is always written whole, so a
/// back-reference past the start of the stream reads zeros, as in a fresh inflater, and never what another
/// connection left in the shared one. This only works if every block ends on a deflate block boundary, which SPDY's
/// SYNC_FLUSH after each block guarantees: a block that does not (or that ends the deflate stream) is refused, where a
/// Go peer's one long-lived reader might have carried on. Priming costs a few passes over 32 KiB per block, so a
/// connection that sends more than <see cref="BlocksBeforeOwnInflater"/> blocks gets a long-lived inflater of its
/// own, as every connection had before: no peer can make each small block cost that much for long.
/// </remarks>
internal sealed class SpdyHeaderDecompressor(int maxHeaderBlockSize, int maxHeaderCount)
{
    private const int ChunkSize = 4096;
    private const int WindowSize = 32 * 1024;

    /// <summary>Header blocks inflated with the shared inflater before a connection gets one of its own.</summary>
    internal const int BlocksBeforeOwnInflater = 16;

    /// <summary>CMF 0x78 (deflate, 32 KiB window) and FLG 0xBB (preset dictionary, check bits): what every SPDY stream starts with.</summary>
    private static readonly byte[] ZlibHeaderWithDictionary = [0x78, 0xBB];
    private static readonly uint SpdyDictionaryId = Adler(SpdyDictionary.Bytes);

    // Decompress never awaits, so a thread's inflater, chunk and window are never used by two blocks at once.
    [ThreadStatic]
    private static Inflater? t_inflater;

    [ThreadStatic]
    private static byte[]? t_chunk;

    [ThreadStatic]
    private static byte[]? t_window;

    private byte[] _history = [];
    private bool _started;
    private bool _usesDictionary;
    private int _blocks;
    private Inflater? _own;

    public SpdyHeaders Decompress(ReadOnlySequence<byte> compressed)
    {
        var block = compressed.ToArray();
        var chunk = t_chunk ??= new byte[ChunkSize];
        if (_own is not null)
        {
            // The inflater keeps a reference to its input until it has consumed it, hence the private copy.
            _own.SetInput(block);
            return SpdyHeaderBlock.Decode(Inflate(_own, null, chunk).WrittenSpan, maxHeaderCount);
        }

        var body = _started ? 0 : StreamHeaderLength(block);
        var window = Window();
        var inflater = t_inflater ??= new Inflater(noHeader: false);
        inflater.Reset();
        inflater.SetInput(Primed(block.AsSpan(body), window));
        var output = Inflate(inflater, window, chunk);
        EndAtBlockBoundary(inflater, output.WrittenSpan, chunk);
        _started = true;
        Remember(output.WrittenSpan);
        if (++_blocks >= BlocksBeforeOwnInflater)
        {
            _own = OwnInflater(chunk);
            _history = [];
        }

        return SpdyHeaderBlock.Decode(output.WrittenSpan, maxHeaderCount);
    }

    private ArrayBufferWriter<byte> Inflate(Inflater inflater, byte[]? window, byte[] chunk)
    {
        var output = new ArrayBufferWriter<byte>(ChunkSize);
        try
        {
            while (true)
            {
                var count = inflater.Inflate(chunk);
                if (count > 0)
                {
                    if (output.WrittenCount + count > maxHeaderBlockSize)
                    {
                        throw new SpdyProtocolException($"SPDY header block inflates to more than MaxHeaderBlockSize ({maxHeaderBlockSize} bytes).");
                    }

                    output.Write(chunk.AsSpan(0, count));
                }
                else if (inflater.IsNeedingDictionary && window is not null)
                {
                    inflater.SetDictionary(window);
                }
                else if (inflater.IsNeedingInput && !inflater.IsFinished)
                {
                    return output;
                }
                else
                {
                    throw new SpdyProtocolException("SPDY header compression stream ended or stalled.");
                }
            }
        }
        catch (Exception ex) when (IsZlibError(ex))
        {
            throw new SpdyProtocolException("SPDY header block is not valid zlib data: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Proves the block ended on a deflate block boundary: only there do the two bytes of an empty final block, then
    /// the checksum of what this inflater produced, finish the stream.
    /// </summary>
    private static void EndAtBlockBoundary(Inflater inflater, ReadOnlySpan<byte> output, byte[] chunk)
    {
        var end = new byte[6];
        end[0] = 0x03; // BFINAL, fixed Huffman codes, end of block: an empty final block
        BinaryPrimitives.WriteUInt32BigEndian(end.AsSpan(2), Adler(output.ToArray()));
        inflater.SetInput(end);
        try
        {
            if (inflater.Inflate(chunk) == 0 && inflater.IsFinished)
            {
                return;
            }
        }
        catch (Exception ex) when (IsZlibError(ex))
        {
            // Read as part of an unfinished block: refused below.
        }

        throw new SpdyProtocolException("SPDY header block does not end at a deflate block boundary (SPDY/3 requires a sync flush after every header block).");
    }

    /// <summary>A long-lived inflater for this connection, primed with its window; it continues the stream from here on.</summary>
    private Inflater OwnInflater(byte[] chunk)
    {
        var window = Window();
        var own = new Inflater(noHeader: false);
        own.SetInput(Primed([], window));
        if (own.Inflate(chunk) != 0 || !own.IsNeedingDictionary)
        {
            throw new InvalidOperationException("a primed inflater must ask for its dictionary");
        }

        own.SetDictionary(window);
        return own;
    }

    // SharpZipLib reports some malformed Huffman tables as IndexOutOfRangeException or OverflowException from
    // InflaterHuffmanTree.BuildTree (icsharpcode/SharpZipLib#37, closed without a fix; both found by fuzz/).
    private static bool IsZlibError(Exception ex) => ex is SharpZipBaseException or IndexOutOfRangeException or OverflowException;

    /// <summary>Reads the zlib header that opens the stream (RFC 1950): its length; the only dictionary it may name is SPDY's.</summary>
    private int StreamHeaderLength(byte[] block)
    {
        if (block.Length < 2 || (block[0] & 0x0F) != 8 || block[0] >> 4 > 7 || ((block[0] << 8) | block[1]) % 31 != 0)
        {
            throw new SpdyProtocolException("SPDY header block does not start a zlib stream.");
        }

        if ((block[1] & 0x20) == 0)
        {
            return 2;
        }

        if (block.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(2)) != SpdyDictionaryId)
        {
            throw new SpdyProtocolException("SPDY header compression names a preset dictionary other than SPDY's.");
        }

        _usesDictionary = true;
        return 6;
    }

    /// <summary>This thread's window, written whole: zeros, then the SPDY dictionary if used, then everything inflated so far.</summary>
    private byte[] Window()
    {
        var window = t_window ??= new byte[WindowSize];
        var dictionary = _usesDictionary ? SpdyDictionary.Bytes.AsSpan() : [];
        dictionary = dictionary[Math.Max(0, dictionary.Length - (WindowSize - _history.Length))..];
        var start = WindowSize - _history.Length - dictionary.Length;
        window.AsSpan(0, start).Clear();
        dictionary.CopyTo(window.AsSpan(start));
        _history.CopyTo(window.AsSpan(start + dictionary.Length));
        return window;
    }

    /// <summary>A zlib stream that starts at this block: header, the window's Adler-32 as the dictionary id, the block's deflate data.</summary>
    private static byte[] Primed(ReadOnlySpan<byte> deflate, byte[] window)
    {
        var primed = new byte[ZlibHeaderWithDictionary.Length + 4 + deflate.Length];
        ZlibHeaderWithDictionary.CopyTo(primed, 0);
        BinaryPrimitives.WriteUInt32BigEndian(primed.AsSpan(ZlibHeaderWithDictionary.Length), Adler(window));
        deflate.CopyTo(primed.AsSpan(ZlibHeaderWithDictionary.Length + 4));
        return primed;
    }

    private static uint Adler(byte[] bytes)
    {
        var adler = new Adler32();
        adler.Update(new ArraySegment<byte>(bytes));
        return (uint)adler.Value;
    }

    private void Remember(ReadOnlySpan<byte> inflated)
    {
        if (inflated.IsEmpty)
        {
            return;
        }

        var kept = inflated[^Math.Min(inflated.Length, WindowSize)..];
        var fromBefore = Math.Min(_history.Length, WindowSize - kept.Length);
        var history = new byte[fromBefore + kept.Length];
        _history.AsSpan(_history.Length - fromBefore).CopyTo(history);
        kept.CopyTo(history.AsSpan(fromBefore));
        _history = history;
    }
}
