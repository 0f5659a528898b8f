using System.Buffers;
using System.Text;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>spdy-headers</c>: <see cref="SpdyHeaderDecompressor"/> and the name/value block codec, over sequences of
/// blocks sharing one zlib stream as the blocks of one connection do. The first byte picks the mode:
/// even: the rest is raw compressed blocks, each prefixed by a 16-bit length, fed to one decompressor; only
/// <see cref="SpdyProtocolException"/> may come out, within an allocation budget.
/// odd: the rest describes header blocks (blocks split by 0xFF, entries by 0xFE, name and value by 0xFD, read as
/// Latin-1) that go through one compressor and one decompressor and must come back as they went in.
/// </summary>
internal static class SpdyHeadersTarget
{
    private const int MaxHeaderBlockSize = 1 << 20;
    private const int MaxHeaderCount = 1000;

    public static FuzzTarget Target { get; } = new(
        "spdy-headers",
        "SpdyHeaderDecompressor over sequences of raw blocks on one stream, and compress/decompress round trips",
        ["ApiProxyGateway.Protocols.dll", "ICSharpCode.SharpZipLib.dll"],
        Run,
        SpdySeeds.HeaderBlocks);

    private static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        if ((input[0] & 1) == 0)
        {
            DecompressRaw(input.AsMemory(1));
        }
        else
        {
            RoundTrip(Encoding.Latin1.GetString(input.AsSpan(1)));
        }
    }

    private static void DecompressRaw(ReadOnlyMemory<byte> blocks)
    {
        var budget = AllocationBudget.Start(blocks.Length, baseline: 2 << 20, perInputByte: 8 * 1024);
        var decompressor = new SpdyHeaderDecompressor(MaxHeaderBlockSize, MaxHeaderCount);
        try
        {
            while (!blocks.IsEmpty)
            {
                var length = blocks.Length < 2 ? blocks.Length : Math.Min((blocks.Span[0] << 8) | blocks.Span[1], blocks.Length - 2);
                var block = blocks.Length < 2 ? blocks : blocks.Slice(2, length);
                blocks = blocks[Math.Min(blocks.Length, length + 2)..];
                decompressor.Decompress(new ReadOnlySequence<byte>(block));
            }
        }
        catch (SpdyProtocolException)
        {
            // The documented way to refuse a block; the stream is unusable afterwards, as a session's would be.
        }

        budget.Check("Decompressing header blocks");
    }

    private static void RoundTrip(string description)
    {
        var compressor = new SpdyHeaderCompressor();
        var decompressor = new SpdyHeaderDecompressor(MaxHeaderBlockSize, MaxHeaderCount);
        foreach (var blockText in description.Split('\u00FF'))
        {
            var headers = new SpdyHeaders();
            foreach (var entry in blockText.Split('\u00FE'))
            {
                var cut = entry.IndexOf('\u00FD', StringComparison.Ordinal);
                var name = cut < 0 ? entry : entry[..cut];

                // NUL separates the values of one name on the wire, so a value cannot carry one.
                var value = cut < 0 ? "" : entry[(cut + 1)..].Replace("\0", "", StringComparison.Ordinal);
                if (name.Length > 0)
                {
                    headers.Add(name, value);
                }
            }

            var compressed = new ArrayBufferWriter<byte>();
            compressor.Compress(headers, compressed);
            var decoded = decompressor.Decompress(new ReadOnlySequence<byte>(compressed.WrittenMemory));
            if (Grouped(headers) != Grouped(decoded))
            {
                throw new FuzzFinding($"Header round trip changed the block:\n sent:     {Grouped(headers)}\n received: {Grouped(decoded)}");
            }
        }
    }

    /// <summary>Values by name in first-seen order: the wire groups the values of one name, so only that order is kept.</summary>
    private static string Grouped(SpdyHeaders headers) =>
        string.Join("; ", headers.Select(h => h.Key).Distinct(StringComparer.Ordinal).Select(name => name + "=" + string.Join("|", headers.Where(h => h.Key == name).Select(h => h.Value))));
}
