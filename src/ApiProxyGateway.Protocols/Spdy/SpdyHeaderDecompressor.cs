using System.Buffers;
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
/// connection sends few, small header blocks (a port-forward about 200 bytes per forwarded connection), so this keeps
/// only the bytes inflated so far (at most the 32 KiB a deflate back-reference can reach) and inflates each later
/// block with a borrowed inflater, primed as a zlib stream that starts at that block: a zlib header naming a preset
/// dictionary, and as that dictionary the SPDY dictionary followed by everything inflated before (the window the
/// one long-lived inflater would have had). Every block but the first starts on a byte boundary, because each is
/// ended by a SYNC_FLUSH, which SPDY requires. A block that ends the deflate stream is refused: its checksum covers
/// the whole stream, and the stream cannot carry another block after it anyway.
/// </remarks>
internal sealed class SpdyHeaderDecompressor(int maxHeaderBlockSize, int maxHeaderCount)
{
    private const int ChunkSize = 4096;
    private const int WindowSize = 32 * 1024;

    /// <summary>CMF 0x78 (deflate, 32 KiB window) and FLG 0xBB (preset dictionary, check bits): what every SPDY stream starts with.</summary>
    private static readonly byte[] ZlibHeaderWithDictionary = [0x78, 0xBB];

    [ThreadStatic]
    private static Inflater? t_inflater;

    [ThreadStatic]
    private static byte[]? t_chunk;

    private byte[] _history = [];
    private bool _started;

    public SpdyHeaders Decompress(ReadOnlySequence<byte> compressed)
    {
        // Decompress never awaits, so a per-thread inflater and chunk are never shared by two blocks at once.
        var inflater = t_inflater ??= new Inflater(noHeader: false);
        var chunk = t_chunk ??= new byte[ChunkSize];
        inflater.Reset();
        var window = _started ? Window() : null;

        // The inflater keeps a reference to its input until it has consumed it, so hand it a private copy
        // (at most one control frame, already bounded by MaxControlFrameLength).
        inflater.SetInput(window is null ? compressed.ToArray() : Primed(compressed, window));
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
                else if (inflater.IsNeedingDictionary)
                {
                    inflater.SetDictionary(window ?? SpdyDictionary.Bytes);
                }
                else if (inflater.IsNeedingInput && !inflater.IsFinished)
                {
                    break;
                }
                else
                {
                    throw new SpdyProtocolException("SPDY header compression stream ended or stalled.");
                }
            }
        }
        catch (Exception ex) when (ex is SharpZipBaseException or IndexOutOfRangeException)
        {
            // SharpZipLib reports some malformed Huffman tables as IndexOutOfRangeException from
            // InflaterHuffmanTree.BuildTree (icsharpcode/SharpZipLib#37, closed without a fix; found by fuzz/).
            throw new SpdyProtocolException("SPDY header block is not valid zlib data: " + ex.Message, ex);
        }

        _started = true;
        Remember(output.WrittenSpan);
        return SpdyHeaderBlock.Decode(output.WrittenSpan, maxHeaderCount);
    }

    /// <summary>The last 32 KiB of the SPDY dictionary followed by everything inflated so far.</summary>
    private byte[] Window()
    {
        var fromDictionary = Math.Min(SpdyDictionary.Bytes.Length, WindowSize - _history.Length);
        var window = new byte[fromDictionary + _history.Length];
        SpdyDictionary.Bytes.AsSpan(SpdyDictionary.Bytes.Length - fromDictionary).CopyTo(window);
        _history.CopyTo(window.AsSpan(fromDictionary));
        return window;
    }

    /// <summary>A zlib stream that starts at this block: header, the window's Adler-32 as the dictionary id, the block.</summary>
    private static byte[] Primed(ReadOnlySequence<byte> compressed, byte[] window)
    {
        var adler = new Adler32();
        adler.Update(new ArraySegment<byte>(window));
        var primed = new byte[ZlibHeaderWithDictionary.Length + 4 + compressed.Length];
        ZlibHeaderWithDictionary.CopyTo(primed, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(primed.AsSpan(ZlibHeaderWithDictionary.Length), (uint)adler.Value);
        compressed.CopyTo(primed.AsSpan(ZlibHeaderWithDictionary.Length + 4));
        return primed;
    }

    private void Remember(ReadOnlySpan<byte> inflated)
    {
        if (inflated.IsEmpty)
        {
            return;
        }

        var keep = Math.Min(_history.Length, WindowSize - Math.Min(inflated.Length, WindowSize));
        var history = new byte[keep + Math.Min(inflated.Length, WindowSize)];
        _history.AsSpan(_history.Length - keep).CopyTo(history);
        inflated[^(history.Length - keep)..].CopyTo(history.AsSpan(keep));
        _history = history;
    }
}
