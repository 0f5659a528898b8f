using System.Buffers;
using System.Buffers.Binary;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// The receive limits against CVE-2026-35469-style frames (GHSA-pc3f-x583-g7j2): each is refused with a
/// <see cref="SpdyProtocolException"/> that names the limit, before the memory the peer asked for is allocated.
/// </summary>
public sealed class SpdyLimitTests
{
    /// <summary>Generous next to what any of these inputs legitimately needs, tiny next to what they claim.</summary>
    private const long AllocationBudget = 256 * 1024;

    [Fact]
    public void Reader_SettingsClaiming2Pow31Entries_IsRefusedWithoutAllocatingThem()
    {
        var frame = Convert.FromHexString("80030004" + "0000000C" + "80000000" + "00000007" + "00010000");

        var (error, allocated) = ReadExpectingError(frame);

        Assert.Contains("2147483648 entries, more than MaxSettingsEntries (32)", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Reader_SettingsWithMoreEntriesThanTheLimit_IsRefusedEvenWhenTheLengthMatches()
    {
        var entries = Enumerable.Range(0, SpdyLimits.MaxSettingsEntries + 1).Select(i => new SpdySetting(0, (uint)i, 1)).ToArray();
        var frame = SpdyFrameText.Encode(new SettingsFrame(false, entries));

        var (error, _) = ReadExpectingError(frame);

        Assert.Contains("33 entries, more than MaxSettingsEntries (32)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_HeaderBlockClaiming2Pow31Headers_IsRefusedWithoutAllocatingThem()
    {
        var frame = SynStreamWithRawBlock(Convert.FromHexString("80000000" + "00000001" + "61" + "00000001" + "62"));

        var (error, allocated) = ReadExpectingError(frame);

        Assert.Contains("declares 2147483648 headers, more than MaxHeaderCount (1000)", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Reader_HeaderBlockWithOneHeaderTooMany_IsRefusedNamingMaxHeaderCount()
    {
        var headers = new SpdyHeaders();
        foreach (var i in Enumerable.Range(0, 1001))
        {
            headers.Add($"h{i}", "v");
        }

        var (error, _) = ReadExpectingError(SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, headers)));

        Assert.Contains("MaxHeaderCount (1000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_OneHeaderWithThousandsOfNulSeparatedValues_CountsEachValueAgainstMaxHeaderCount()
    {
        // One name, 4001 values: spdystream v0.5.1 counts names only; here the values count.
        var block = new byte[4 + 4 + 1 + 4 + 4000];
        BinaryPrimitives.WriteUInt32BigEndian(block, 1);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(4), 1);
        block[8] = (byte)'x';
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(9), 4000);

        var (error, allocated) = ReadExpectingError(SynStreamWithRawBlock(block));

        Assert.Contains("more than MaxHeaderCount (1000) values", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Reader_NameLengthBeyondTheBlock_IsRefusedBeforeReadingIt()
    {
        var (error, allocated) = ReadExpectingError(SynStreamWithRawBlock(Convert.FromHexString("00000001" + "7FFFFFFF" + "6162636465")));

        Assert.Contains("declares a 2147483647-byte name or value but has only 5 bytes left", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Decompressor_ZlibBomb_StopsAtMaxHeaderBlockSize()
    {
        // A 64 MiB value of one repeated byte deflates to about 64 KiB.
        var block = new byte[4 + 4 + 1 + 4 + (64 << 20)];
        BinaryPrimitives.WriteUInt32BigEndian(block, 1);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(4), 1);
        block[8] = (byte)'x';
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(9), 64 << 20);
        block.AsSpan(13).Fill((byte)'a');
        var compressed = Compress(block);
        var decompressor = new SpdyHeaderDecompressor(maxHeaderBlockSize: 1 << 20, maxHeaderCount: 1000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SpdyProtocolException>(() => decompressor.Decompress(new ReadOnlySequence<byte>(compressed)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(compressed.Length < 256 * 1024, $"{compressed.Length} compressed bytes");
        Assert.Contains("inflates to more than MaxHeaderBlockSize (1048576 bytes)", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4L << 20, $"{allocated} bytes allocated for a block of {block.Length} bytes");
    }

    [Fact]
    public void Reader_ControlFrameLongerThanTheLimit_IsRefusedFromItsHeaderAlone()
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("80030001" + "00FFFFFF"));

        var error = Assert.Throws<SpdyProtocolException>(() => new SpdyFrameReader().TryRead(ref buffer, out _));

        Assert.Contains("16777215 bytes exceeds MaxControlFrameLength (1048576 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_UnknownControlFrame_IsSkippedAsItArrivesWithoutBufferingItsPayload()
    {
        var reader = new SpdyFrameReader();
        var frames = new List<SpdyFrame>();
        var chunk = new byte[4096];
        var header = new ReadOnlySequence<byte>(Convert.FromHexString("8003000A" + "000FFFFF"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.TryRead(ref header, out var frame))
        {
            frames.Add(frame);
        }

        for (var sent = 0; sent < 0xFFFFF; sent += chunk.Length)
        {
            var piece = new ReadOnlySequence<byte>(chunk, 0, Math.Min(chunk.Length, 0xFFFFF - sent));
            Assert.False(reader.TryRead(ref piece, out _));
            Assert.True(piece.IsEmpty);
        }

        var ping = new ReadOnlySequence<byte>(Convert.FromHexString("800300060000000400000002"));
        Assert.True(reader.TryRead(ref ping, out var after));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("UNKNOWN 10 0 1048575", SpdyFrameText.Describe(Assert.Single(frames)));
        Assert.Equal("PING 2", SpdyFrameText.Describe(after));
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Reader_HeaderBlockWithMalformedHuffmanCodeLengths_IsAProtocolError()
    {
        // Found by fuzz/run spdy-frames: SharpZipLib's InflaterHuffmanTree.BuildTree throws IndexOutOfRangeException
        // on these code lengths (icsharpcode/SharpZipLib#37, closed without a fix).
        var frame = Convert.FromHexString("80030002" + "00000015" + "001D0101" + "78010CC6A7C202A6000000000000007322");

        var (error, _) = ReadExpectingError(frame);

        Assert.StartsWith("SPDY header block is not valid zlib data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decompressor_HuffmanCodeLengthsThatOverflow_IsAProtocolError()
    {
        // Found by fuzz/run spdy-headers: SharpZipLib's InflaterHuffmanTree.BuildTree throws OverflowException (checked
        // arithmetic) on these code lengths, the same family as the IndexOutOfRangeException above.
        var block = Convert.FromHexString("78016D0B2D78B6B6B6B6B6FFFF646464646464646464646464646464647E646DFD73736364B6B6B6B6B6B6B6B600FFB6B69664646464446464646464646464646464646464646464B6B6B6D7B6B6B600FF6464547E6464");

        var error = Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderDecompressor(1 << 20, 1000).Decompress(new ReadOnlySequence<byte>(block)));

        Assert.StartsWith("SPDY header block is not valid zlib data", error.Message, StringComparison.Ordinal);
    }

    private static (SpdyProtocolException Error, long Allocated) ReadExpectingError(byte[] bytes)
    {
        var reader = new SpdyFrameReader();
        var buffer = new ReadOnlySequence<byte>(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SpdyProtocolException>(() => reader.TryRead(ref buffer, out _));
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] SynStreamWithRawBlock(byte[] block)
    {
        var compressed = Compress(block);
        var frame = new byte[8 + 10 + compressed.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x80030001);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)(10 + compressed.Length));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 1);
        compressed.CopyTo(frame.AsSpan(18));
        return frame;
    }

    private static byte[] Compress(byte[] block)
    {
        var output = new ArrayBufferWriter<byte>();
        new SpdyHeaderCompressor().CompressBlock(block, output);
        return output.WrittenSpan.ToArray();
    }
}
