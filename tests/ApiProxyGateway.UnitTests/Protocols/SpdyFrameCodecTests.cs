using System.Buffers;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class SpdyFrameCodecTests
{
    [Theory]
    [InlineData("PING", "80030006" + "00000004" + "00000001")]
    [InlineData("RST_STREAM", "80030003" + "00000008" + "00000001" + "00000005")]
    [InlineData("GOAWAY", "80030007" + "00000008" + "00000005" + "00000000")]
    [InlineData("WINDOW_UPDATE", "80030009" + "00000008" + "00000003" + "00010000")]
    [InlineData("SETTINGS", "80030004" + "0000000C" + "00000001" + "00000007" + "00040000")]
    [InlineData("DATA", "00000003" + "01000005" + "68656C6C6F")]
    public void Writer_FixedLayoutFrame_MatchesSpecBytes(string name, string expectedHex)
    {
        SpdyFrame frame = name switch
        {
            "PING" => new PingFrame(1),
            "RST_STREAM" => new RstStreamFrame(1, SpdyStreamStatus.Cancel),
            "GOAWAY" => new GoAwayFrame(5, 0),
            "WINDOW_UPDATE" => new WindowUpdateFrame(3, 0x10000),
            "SETTINGS" => new SettingsFrame(false, [new SpdySetting(0, SpdySetting.InitialWindowSize, 0x40000)]),
            _ => new SpdyDataFrame(3, true, "hello"u8.ToArray()),
        };

        var bytes = SpdyFrameText.Encode(frame);

        Assert.Equal(expectedHex, Convert.ToHexString(bytes));
        Assert.Equal(SpdyFrameText.Describe(frame), SpdyFrameText.Describe(Assert.Single(SpdyFrameText.Decode(bytes, []))));
    }

    [Fact]
    public void Writer_SynStream_HasSpecLayoutAndZlibHeaderWithSpdy3DictionaryId()
    {
        var bytes = SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, new SpdyHeaders { { "streamType", "error" } }));

        // Control bit + version 3, type 1, flags 0, then stream id 1, associated id 0, priority/unused 0, slot 0.
        Assert.Equal("80030001", Convert.ToHexString(bytes, 0, 4));
        Assert.Equal(bytes.Length - 8, (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]);
        Assert.Equal("00000001" + "00000000" + "0000", Convert.ToHexString(bytes, 8, 10));

        // zlib header: deflate/32K window, FDICT set, then the Adler-32 of the SPDY/3 dictionary.
        Assert.Equal(0x78, bytes[18]);
        Assert.Equal(0x20, bytes[19] & 0x20);
        Assert.Equal("E3C6A7C2", Convert.ToHexString(bytes, 20, 4));
    }

    [Fact]
    public void Writer_UpperCaseHeaderName_IsSentLowerCase()
    {
        var decoded = (SynReplyFrame)Assert.Single(SpdyFrameText.Decode(
            SpdyFrameText.Encode(new SynReplyFrame(2, false, new SpdyHeaders { { "X-Stream-Protocol-Version", "v4.channel.k8s.io" } })), []));

        Assert.Equal("x-stream-protocol-version", Assert.Single(decoded.Headers).Key);
    }

    [Fact]
    public void Reader_HeaderBlocksFromRealZlibWithSyncFlush_DecodeWithSharedContext()
    {
        // Made with CPython's zlib (level 9, SPDY/3 dictionary, Z_SYNC_FLUSH after each block), one compression
        // context across both blocks, as Go's spdy framer does it.
        var first = Convert.FromHexString("78f9e3c6a7c202a62346703a2b294a4dcc851625aca9a08006000000ffff");
        var second = Convert.FromHexString("02a54748d15c04ce0516061606409ab308129599a024ce6880a119540e2502000000ffff");
        byte[] prefix = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        byte[] Syn(byte id, byte[] block) =>
            [0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, (byte)(10 + block.Length), .. prefix[..3], id, .. prefix[4..], .. block];

        var frames = SpdyFrameText.Decode([.. Syn(1, first), .. Syn(3, second)], []);

        Assert.Equal("SYN_STREAM 1 assoc=0 pri=0 fin=False uni=False [streamtype: error]", SpdyFrameText.Describe(frames[0]));
        Assert.Equal("SYN_STREAM 3 assoc=0 pri=0 fin=False uni=False [port: 8080, requestid: 0, streamtype: data]", SpdyFrameText.Describe(frames[1]));
    }

    [Fact]
    public void Reader_RepeatedHeaderValues_TravelNulJoinedAndComeBackSeparate()
    {
        var headers = new SpdyHeaders { { "x", "a" }, { "y", "b" }, { "x", "c" } };

        var block = SpdyHeaderBlock.Encode(headers);
        var decoded = SpdyHeaderBlock.Decode(block, maxHeaderCount: 1000);

        Assert.Equal("00000002" + "00000001" + "78" + "00000003" + "610063", Convert.ToHexString(block)[..32]);
        Assert.Equal(["a", "c"], decoded.GetValues("X"));
    }

    [Fact]
    public void Reader_DataFrameLargerThanFragment_ComesInPiecesWithFinOnlyOnLast()
    {
        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var bytes = SpdyFrameText.Encode(new SpdyDataFrame(1, true, payload));

        var pieces = SpdyFrameText.Decode(bytes, [10_000, 90_000], maxDataFragment: 64 * 1024).Cast<SpdyDataFrame>().ToList();

        Assert.True(pieces.Count >= 4);
        Assert.All(pieces, p => Assert.True(p.Data.Length <= 64 * 1024));
        Assert.Equal([.. Enumerable.Repeat(false, pieces.Count - 1), true], pieces.Select(p => p.Fin));
        Assert.Equal(payload, pieces.SelectMany(p => p.Data.ToArray()));
    }

    [Fact]
    public void Reader_UnknownControlType_IsReturnedForTheSessionToIgnore()
    {
        // Type 10 was SPDY/3's CREDENTIAL frame, removed in 3.1.
        var bytes = Convert.FromHexString("8003000A00000002ABCD" + "800300060000000400000002");

        var frames = SpdyFrameText.Decode(bytes, [3]);

        Assert.Equal(["UNKNOWN 10 0 2", "PING 2"], frames.Select(SpdyFrameText.Describe));
    }

    [Fact]
    public void Reader_OtherSpdyVersion_ThrowsProtocolError()
    {
        var reader = new SpdyFrameReader();
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("800200060000000400000001"));

        Assert.Throws<SpdyProtocolException>(() => reader.TryRead(ref buffer, out _));
    }

    [Fact]
    public void Reader_GarbageHeaderBlock_ThrowsProtocolError()
    {
        var reader = new SpdyFrameReader();
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("800300020000000C" + "00000001" + "0102030405060708"));

        Assert.Throws<SpdyProtocolException>(() => reader.TryRead(ref buffer, out _));
    }

    [Fact]
    public void Dictionary_Spdy3_HasSpecLengthAndAdler32()
    {
        var dictionary = SpdyDictionary.Bytes;
        uint a = 1, b = 0;
        foreach (var value in dictionary)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        Assert.Equal(1423, dictionary.Length);
        Assert.Equal(0xE3C6A7C2u, (b << 16) | a);
    }
}
