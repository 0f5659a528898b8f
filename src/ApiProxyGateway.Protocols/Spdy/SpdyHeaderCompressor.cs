using System.Buffers;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Compresses header blocks for one direction of one connection. The zlib stream (and so the dictionary and
/// every earlier block) is shared by all frames of the connection, so calls must happen in wire order.
/// </summary>
/// <remarks>
/// SharpZipLib's <see cref="Deflater.Flush"/> ends the block and pads with empty fixed-Huffman blocks (zlib's
/// Z_PARTIAL_FLUSH) instead of the empty stored block of Z_SYNC_FLUSH. Both guarantee that every byte of this
/// header block can be inflated from this frame alone, which is all a SPDY reader needs; Go's zlib reader
/// (kubectl, kubelets) accepts it, which the kubectl interoperability test proves.
/// </remarks>
internal sealed class SpdyHeaderCompressor
{
    private readonly Deflater _deflater = new(Deflater.DEFAULT_COMPRESSION, noZlibHeaderOrFooter: false);
    private readonly byte[] _chunk = new byte[4096];

    public SpdyHeaderCompressor() => _deflater.SetDictionary(SpdyDictionary.Bytes);

    public void Compress(SpdyHeaders headers, IBufferWriter<byte> output)
    {
        _deflater.SetInput(SpdyHeaderBlock.Encode(headers));
        _deflater.Flush();
        int count;
        while ((count = _deflater.Deflate(_chunk)) > 0)
        {
            output.Write(_chunk.AsSpan(0, count));
        }
    }
}
