using System.Buffers;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Compresses header blocks for one direction of one connection. The zlib stream (and so the dictionary and
/// every earlier block) is shared by all frames of the connection, so calls must happen in wire order.
/// </summary>
/// <remarks>
/// Each block must end in a zlib SYNC_FLUSH (an empty stored block, <c>00 00 FF FF</c>): Go's inflater (kubectl,
/// kubelets) only hands out decompressed bytes at a stored block, a full window or the final block. Without
/// the stored block it reads past the frame, fails, and keeps that error, so the next frame's header block
/// is rejected ("compressed payload size was incorrect"). SharpZipLib's <see cref="Deflater.Flush"/> only pads
/// with empty fixed-Huffman blocks (a partial flush), so after it the level is switched to "stored" for a
/// second flush, which writes exactly that empty stored block; the sliding window survives the switch.
/// </remarks>
internal sealed class SpdyHeaderCompressor
{
    private const int Level = 6;

    private readonly Deflater _deflater = new(Level, noZlibHeaderOrFooter: false);
    private readonly byte[] _chunk = new byte[4096];

    public SpdyHeaderCompressor() => _deflater.SetDictionary(SpdyDictionary.Bytes);

    public void Compress(SpdyHeaders headers, IBufferWriter<byte> output) => CompressBlock(SpdyHeaderBlock.Encode(headers), output);

    /// <summary>Compresses an already encoded name/value block (tests and fuzz seeds use it for blocks no peer should send).</summary>
    public void CompressBlock(byte[] block, IBufferWriter<byte> output)
    {
        _deflater.SetLevel(Level);
        _deflater.SetInput(block);
        _deflater.Flush();
        Drain(output);

        _deflater.SetLevel(Deflater.NO_COMPRESSION);
        _deflater.Flush();
        Drain(output);
    }

    private void Drain(IBufferWriter<byte> output)
    {
        int count;
        while ((count = _deflater.Deflate(_chunk)) > 0)
        {
            output.Write(_chunk.AsSpan(0, count));
        }
    }
}
