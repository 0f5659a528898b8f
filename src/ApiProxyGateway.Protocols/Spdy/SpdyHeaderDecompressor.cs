using System.Buffers;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Inflates header blocks for one direction of one connection (one zlib stream across all frames). Inflating
/// stops as soon as a block passes <c>maxHeaderBlockSize</c>, so a zlib bomb costs no more than that limit
/// plus one chunk; after a <see cref="SpdyProtocolException"/> the shared zlib stream is unusable, and so is
/// the session.
/// </summary>
internal sealed class SpdyHeaderDecompressor(int maxHeaderBlockSize, int maxHeaderCount)
{
    private const int ChunkSize = 4096;

    private readonly Inflater _inflater = new(noHeader: false);
    private readonly byte[] _chunk = new byte[ChunkSize];

    public SpdyHeaders Decompress(ReadOnlySequence<byte> compressed)
    {
        // The inflater keeps a reference to its input until it has consumed it, so hand it a private copy
        // (at most one control frame, already bounded by MaxControlFrameLength).
        _inflater.SetInput(compressed.ToArray());
        var output = new ArrayBufferWriter<byte>(ChunkSize);
        try
        {
            while (true)
            {
                var count = _inflater.Inflate(_chunk);
                if (count > 0)
                {
                    if (output.WrittenCount + count > maxHeaderBlockSize)
                    {
                        throw new SpdyProtocolException($"SPDY header block inflates to more than MaxHeaderBlockSize ({maxHeaderBlockSize} bytes).");
                    }

                    output.Write(_chunk.AsSpan(0, count));
                }
                else if (_inflater.IsNeedingDictionary)
                {
                    _inflater.SetDictionary(SpdyDictionary.Bytes);
                }
                else if (_inflater.IsNeedingInput)
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

        return SpdyHeaderBlock.Decode(output.WrittenSpan, maxHeaderCount);
    }
}
