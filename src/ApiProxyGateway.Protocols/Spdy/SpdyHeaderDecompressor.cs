using System.Buffers;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>Inflates header blocks for one direction of one connection (one zlib stream across all frames).</summary>
internal sealed class SpdyHeaderDecompressor(int maxHeaderBlockSize)
{
    private readonly Inflater _inflater = new(noHeader: false);
    private readonly byte[] _chunk = new byte[4096];

    public SpdyHeaders Decompress(ReadOnlySequence<byte> compressed)
    {
        // The inflater keeps a reference to its input until it has consumed it, so hand it a private copy.
        _inflater.SetInput(compressed.ToArray());
        var output = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var count = _inflater.Inflate(_chunk);
                if (count > 0)
                {
                    output.Write(_chunk.AsSpan(0, count));
                    if (output.WrittenCount > maxHeaderBlockSize)
                    {
                        throw new SpdyProtocolException($"SPDY header block inflates to more than {maxHeaderBlockSize} bytes.");
                    }
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
        catch (SharpZipBaseException ex)
        {
            throw new SpdyProtocolException("SPDY header block is not valid zlib data.", ex);
        }

        return SpdyHeaderBlock.Decode(output.WrittenSpan);
    }
}
