using System.Buffers.Binary;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class SpdyFrameScannerTests
{
    private static SpdyHeaders ErrorStream => new() { { StreamHeaders.StreamType, StreamHeaders.Error } };

    [Fact]
    public void Scan_SynStreamOfAnErrorStream_TellsItOpenedWithItsHeaders()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, ErrorStream)));

        Assert.Equal(["opened 1 [streamtype: error]"], told);
        Assert.True(scanner.AtFrameBoundary);
    }

    [Fact]
    public void Scan_SynStreamWithFin_TellsItOpenedThenHalfClosed()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(new SynStreamFrame(7, 0, 0, true, false, ErrorStream)));

        Assert.Equal(["opened 7 [streamtype: error]", "half-closed 7"], told);
    }

    [Fact]
    public void Scan_DataFrames_TellHalfClosedOnlyForTheOneWithFin()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(
            new SpdyDataFrame(3, false, "out"u8.ToArray()),
            new SpdyDataFrame(3, false, ReadOnlyMemory<byte>.Empty),
            new SpdyDataFrame(3, true, "{\"status\":\"Success\"}"u8.ToArray()),
            new SpdyDataFrame(5, true, ReadOnlyMemory<byte>.Empty)));

        Assert.Equal(["half-closed 3", "half-closed 5"], told);
        Assert.True(scanner.AtFrameBoundary);
    }

    [Fact]
    public void Scan_RstStream_TellsReset()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(new RstStreamFrame(9, SpdyStreamStatus.Cancel)));

        Assert.Equal(["reset 9"], told);
    }

    [Fact]
    public void Scan_SynReplyAndHeadersWithFin_TellHalfClosed()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(
            new SynReplyFrame(1, false, []),
            new SynReplyFrame(3, true, []),
            new HeadersFrame(1, false, ErrorStream),
            new HeadersFrame(1, true, [])));

        Assert.Equal(["half-closed 3", "half-closed 1"], told);
    }

    [Fact]
    public void Scan_ControlFramesThatTouchNoStream_TellNothingAndKeepTheBoundaries()
    {
        var (scanner, told) = Scanner();

        scanner.Scan(SpdyFrameText.Encode(
            new SettingsFrame(false, [new SpdySetting(0, SpdySetting.InitialWindowSize, 1 << 18)]),
            new PingFrame(1),
            new WindowUpdateFrame(1, 1024),
            new GoAwayFrame(0, 0)));

        Assert.Empty(told);
        Assert.True(scanner.AtFrameBoundary);
        Assert.False(scanner.Lost);
    }

    [Fact]
    public void Scan_UnknownControlFrame_IsSkippedAndTheNextFrameFollowed()
    {
        var (scanner, told) = Scanner();
        var unknown = SpdyFrameText.Encode(new UnknownControlFrame(10, 0, 200_000));
        var syn = SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, ErrorStream));

        var first = scanner.ScanToBoundary([.. unknown, .. syn]);
        var second = scanner.ScanToBoundary(syn);

        Assert.Equal((unknown.Length, syn.Length), (first, second));
        Assert.Equal(["opened 1 [streamtype: error]"], told);
        Assert.False(scanner.Lost);
    }

    [Fact]
    public void ScanToBoundary_Frames_StopsAtTheEndOfEachFrame()
    {
        var writer = new SpdyFrameWriter();
        SpdyFrame[] frames =
        [
            new SynStreamFrame(1, 0, 0, false, false, ErrorStream),
            new SpdyDataFrame(1, false, new byte[100_000]),
            new SpdyDataFrame(1, true, ReadOnlyMemory<byte>.Empty),
            new UnknownControlFrame(11, 0, 0),
            new PingFrame(1),
            new RstStreamFrame(1, SpdyStreamStatus.Cancel),
        ];
        var encoded = frames.Select(f => Write(writer, f)).ToArray();
        byte[] wire = [.. encoded.SelectMany(f => f)];
        var (scanner, _) = Scanner();

        var walk = ScannerFeeding.ToBoundaries(wire, [], scanner.ScanToBoundary, () => scanner.AtFrameBoundary, () => scanner.Lost);

        Assert.Equal(ScannerFeeding.Ends(encoded), walk.Boundaries);
    }

    [Fact]
    public void Scan_PartOfAFrame_IsNotAtABoundary()
    {
        var (scanner, told) = Scanner();
        var syn = SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, ErrorStream));

        scanner.Scan(syn.AsSpan(0, 3));
        var inHeader = scanner.AtFrameBoundary;
        scanner.Scan(syn.AsSpan(3, syn.Length - 4));
        var inPayload = scanner.AtFrameBoundary;
        var toldBeforeLastByte = told.Count;
        scanner.Scan(syn.AsSpan(syn.Length - 1));

        Assert.Equal((false, false, 0), (inHeader, inPayload, toldBeforeLastByte));
        Assert.True(scanner.AtFrameBoundary);
        Assert.Single(told);
    }

    /// <summary>Header blocks share one zlib stream per direction: the second block cannot be read without the first.</summary>
    [Fact]
    public void Scan_HeaderBlocksOfOneDirection_AreInflatedWithOneZlibStream()
    {
        var writer = new SpdyFrameWriter();
        var first = Write(writer, new SynStreamFrame(1, 0, 0, false, false, ErrorStream));
        var second = Write(writer, new SynStreamFrame(3, 0, 0, false, false, new() { { StreamHeaders.StreamType, StreamHeaders.Stdin } }));
        var (scanner, told) = Scanner();
        var (late, toldLate) = Scanner();

        scanner.Scan([.. first, .. second]);
        late.Scan(second);

        Assert.Equal(["opened 1 [streamtype: error]", "opened 3 [streamtype: stdin]"], told);
        Assert.True(late.Lost);
        Assert.Empty(toldLate);
    }

    [Fact]
    public void Scan_SynStreamJustWithinTheControlFrameLimit_IsFollowed()
    {
        var headers = new SpdyHeaders { { "x-big", RandomText(60_000) } };
        var syn = SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, headers));
        var (scanner, told) = Scanner();

        scanner.Scan(syn);

        Assert.InRange(syn.Length - 8, SpdyFrameScanner.MaxControlFrameLength / 2, SpdyFrameScanner.MaxControlFrameLength);
        Assert.Single(told);
        Assert.False(scanner.Lost);
    }

    [Fact]
    public void Scan_ControlFrameOverTheLimit_IsLostAsSoonAsItsHeaderIsSeen()
    {
        var headers = new SpdyHeaders { { "x-big", RandomText(100_000) } };
        var syn = SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, headers));
        var (scanner, told) = Scanner();

        scanner.Scan(syn.AsSpan(0, 8));

        Assert.True(syn.Length - 8 > SpdyFrameScanner.MaxControlFrameLength, "the test's frame must be over the limit");
        Assert.True(scanner.Lost);
        Assert.Empty(told);
    }

    [Theory]
    [InlineData(SpdyFrameScanner.MaxControlFrameLength, false)]
    [InlineData(SpdyFrameScanner.MaxControlFrameLength + 1, true)]
    public void Scan_ControlFrameHeaderDeclaringALength_IsLostAtOnceOnlyOverTheLimit(int length, bool lost)
    {
        var (scanner, _) = Scanner();

        scanner.Scan(ControlHeader(version: 3, SpdyFrameType.Ping, flags: 0, length));

        Assert.Equal(lost, scanner.Lost);
        Assert.False(scanner.AtFrameBoundary);
    }

    [Fact]
    public void Scan_SynStreamWithAnInvalidZlibBlock_IsLost()
    {
        byte[] body = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, .. "not a zlib stream"u8];
        var (scanner, told) = Scanner();

        scanner.Scan([.. ControlHeader(3, SpdyFrameType.SynStream, 0, body.Length), .. body]);

        Assert.True(scanner.Lost);
        Assert.Empty(told);
    }

    [Fact]
    public void Scan_MalformedFixedLengthControlFrame_IsLost()
    {
        var (scanner, told) = Scanner();

        scanner.Scan([.. ControlHeader(3, SpdyFrameType.RstStream, 0, 4), 0, 0, 0, 1]);

        Assert.True(scanner.Lost);
        Assert.Empty(told);
    }

    [Theory]
    [InlineData(SpdyFrameType.SynStream)]
    [InlineData(SpdyFrameType.RstStream)]
    [InlineData(SpdyFrameType.Ping)]
    [InlineData((ushort)10)]
    public void Scan_ControlFrameOfAnotherSpdyVersion_IsLost(ushort type)
    {
        var frame = type switch
        {
            SpdyFrameType.SynStream => SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, false, false, ErrorStream)),
            SpdyFrameType.RstStream => SpdyFrameText.Encode(new RstStreamFrame(1, SpdyStreamStatus.Cancel)),
            SpdyFrameType.Ping => SpdyFrameText.Encode(new PingFrame(1)),
            _ => SpdyFrameText.Encode(new UnknownControlFrame(type, 0, 4)),
        };
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8002);
        var (scanner, told) = Scanner();

        scanner.Scan(frame);

        Assert.True(scanner.Lost);
        Assert.Empty(told);
    }

    [Fact]
    public void Scan_FramesAfterLost_AreNeitherFollowedNorTold()
    {
        var (scanner, told) = Scanner();
        scanner.Scan([.. ControlHeader(3, SpdyFrameType.RstStream, 0, 3), 1, 2, 3]); // malformed: RST_STREAM is 8 bytes

        var rst = SpdyFrameText.Encode(new RstStreamFrame(1, SpdyStreamStatus.Cancel));
        var taken = scanner.ScanToBoundary(rst);
        scanner.Scan(rst);

        Assert.Equal(0, taken);
        Assert.True(scanner.Lost);
        Assert.Empty(told);
    }

    [Fact]
    public void Scan_FramesThatTellNothingAboutStreams_AreSkippedWithoutBeingParsed()
    {
        var (scanner, told) = Scanner();

        // A PING of the wrong length would make a parser refuse it; the scanner only steps over it, as over DATA.
        scanner.Scan([.. ControlHeader(3, SpdyFrameType.Ping, 0, 3), 1, 2, 3, .. ControlHeader(3, SpdyFrameType.WindowUpdate, 0, 8), 0, 0, 0, 1, 0, 0, 1, 0]);

        Assert.False(scanner.Lost);
        Assert.True(scanner.AtFrameBoundary);
        Assert.Empty(told);
    }

    [Fact]
    public void Scan_WithoutAnObserver_FollowsTheFrames()
    {
        var scanner = new SpdyFrameScanner();

        scanner.Scan(SpdyFrameText.Encode(new SynStreamFrame(1, 0, 0, true, false, ErrorStream), new RstStreamFrame(1, SpdyStreamStatus.Cancel)));

        Assert.True(scanner.AtFrameBoundary);
    }

    private static (SpdyFrameScanner Scanner, List<string> Told) Scanner()
    {
        var observer = new RecordingSpdyObserver();
        return (new SpdyFrameScanner(observer), observer.Events);
    }

    private static byte[] Write(SpdyFrameWriter writer, SpdyFrame frame)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        writer.Write(frame, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ControlHeader(ushort version, ushort type, byte flags, int length)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x80000000u | ((uint)version << 16) | type);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), ((uint)flags << 24) | (uint)length);
        return header;
    }

    /// <summary>Printable text that zlib cannot shrink much, so that a header block's size on the wire is predictable.</summary>
    private static string RandomText(int length)
    {
        var random = new Random(length);
        return string.Create(length, random, (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)r.Next('!', '~' + 1);
            }
        });
    }
}
