using ApiProxyGateway.Protocols.WebSockets;
using static ApiProxyGateway.UnitTests.Protocols.WebSocketFrameBytes;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class WebSocketFrameScannerTests
{
    private static readonly byte[] Mask = [0x37, 0xFA, 0x21, 0x3D];

    /// <summary>Payload lengths at the edges of the three length encodings (7-bit, 16-bit, 64-bit).</summary>
    public static TheoryData<int, bool, int> Lengths => new()
    {
        { 0, false, 2 }, { 0, true, 6 },
        { 125, false, 2 }, { 125, true, 6 },
        { 126, false, 4 }, { 126, true, 8 },
        { 65535, false, 4 }, { 65535, true, 8 },
        { 65536, false, 10 }, { 65536, true, 14 },
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Scan_FrameOfEachLengthEncoding_IsAtABoundaryOnlyAfterItsLastByte(int length, bool masked, int headerLength)
    {
        var frame = Frame(Binary, fin: true, Payload(length), masked ? Mask : null);
        var scanner = new WebSocketFrameScanner();

        scanner.Scan(frame.AsSpan(0, frame.Length - 1));
        var beforeLastByte = scanner.AtFrameBoundary;
        scanner.Scan(frame.AsSpan(frame.Length - 1));

        Assert.Equal(headerLength + length, frame.Length);
        Assert.False(beforeLastByte);
        Assert.True(scanner.AtFrameBoundary);
        Assert.False(scanner.Lost);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScanToBoundary_FrameOfEachLengthEncodingThenAnother_TakesExactlyTheFirstFrame(int length, bool masked, int headerLength)
    {
        var frame = Frame(Text, fin: true, Payload(length), masked ? Mask : null);
        var scanner = new WebSocketFrameScanner();

        var taken = scanner.ScanToBoundary([.. frame, .. Frame(Ping, fin: true, "p"u8)]);

        Assert.Equal(headerLength + length, taken);
        Assert.True(scanner.AtFrameBoundary);
    }

    [Fact]
    public void ScanToBoundary_ConcatenatedFrames_StopsAtTheEndOfEachFrame()
    {
        byte[][] frames =
        [
            Frame(Binary, true, Payload(0)),
            Frame(Binary, true, Payload(125), Mask),
            Frame(Text, false, Payload(126)),
            Frame(Ping, true, Payload(125), Mask),
            Frame(Continuation, false, Payload(65535), Mask),
            Frame(Pong, true, Payload(0)),
            Frame(Continuation, true, Payload(65536)),
            Frame(Binary, true, Payload(3), Mask, lengthBytes: 8),
            Frame(Close, true, [0x03, 0xE8]),
        ];
        byte[] wire = [.. frames.SelectMany(f => f)];
        var scanner = new WebSocketFrameScanner();

        var walk = ScannerFeeding.ToBoundaries(wire, [], scanner.ScanToBoundary, () => scanner.AtFrameBoundary, () => scanner.Lost);

        Assert.Equal(ScannerFeeding.Ends(frames), walk.Boundaries);
        Assert.True(scanner.Closed);
    }

    [Fact]
    public void ScanToBoundary_OnlyPartOfAFrame_TakesAllOfItAndStaysInsideTheFrame()
    {
        var frame = Frame(Binary, true, Payload(300), Mask);
        var scanner = new WebSocketFrameScanner();

        var first = scanner.ScanToBoundary(frame.AsSpan(0, 3));
        var second = scanner.ScanToBoundary(frame.AsSpan(3, 100));
        var rest = scanner.ScanToBoundary([.. frame.AsSpan(103), .. Frame(Binary, true, "next"u8)]);

        Assert.Equal((3, 100, frame.Length - 103), (first, second, rest));
        Assert.True(scanner.AtFrameBoundary);
    }

    [Fact]
    public void Scan_FragmentedMessageWithAPingBetweenFragments_IsInsideTheMessageUntilItsLastFragment()
    {
        var scanner = new WebSocketFrameScanner();
        var inside = new List<bool>();

        foreach (var frame in new[]
        {
            Frame(Text, false, "hel"u8),
            Frame(Ping, true, "are you there"u8, Mask),
            Frame(Continuation, false, "lo "u8),
            Frame(Pong, true, []),
            Frame(Continuation, true, "world"u8),
            Frame(Binary, true, "whole"u8),
        })
        {
            scanner.Scan(frame);
            Assert.True(scanner.AtFrameBoundary);
            inside.Add(scanner.InsideFragmentedMessage);
        }

        Assert.Equal([true, true, true, true, false, false], inside);
        Assert.False(scanner.Lost);
    }

    [Fact]
    public void Scan_CloseInsideAFragmentedMessage_IsAllowedAndCloses()
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan([.. Frame(Binary, false, "part"u8), .. Frame(Close, true, [0x03, 0xE8])]);

        Assert.Equal((false, true, true), (scanner.Lost, scanner.Closed, scanner.AtFrameBoundary));
    }

    [Theory]
    [InlineData(Text)]
    [InlineData(Binary)]
    public void Scan_NewDataMessageInsideAFragmentedOne_IsLost(byte opcode)
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan([.. Frame(Text, false, "a"u8), .. Frame(opcode, true, "b"u8)]);

        Assert.True(scanner.Lost);
    }

    [Theory]
    [InlineData(Continuation, true)]
    [InlineData(Continuation, false)]
    public void Scan_ContinuationWithoutAStart_IsLost(byte opcode, bool fin)
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan(Frame(opcode, fin, "orphan"u8));

        Assert.True(scanner.Lost);
        Assert.False(scanner.AtFrameBoundary);
    }

    [Theory]
    [InlineData(Binary)]
    [InlineData(Continuation)]
    [InlineData(Ping)]
    [InlineData(Pong)]
    [InlineData(Close)]
    public void Scan_AnyFrameAfterAClose_IsLost(byte opcode)
    {
        var scanner = new WebSocketFrameScanner();
        scanner.Scan(Frame(Close, true, [0x03, 0xE8, .. "bye"u8]));
        var closedAtBoundary = scanner.AtFrameBoundary;

        scanner.Scan(Frame(opcode, true, []));

        Assert.True(closedAtBoundary);
        Assert.True(scanner.Closed);
        Assert.True(scanner.Lost);
        Assert.False(scanner.AtFrameBoundary);
    }

    [Fact]
    public void Scan_OneByteAfterAClose_IsNotYetLostButNotAtABoundaryEither()
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan([.. Frame(Close, true, []), 0x89]);

        Assert.False(scanner.Lost);
        Assert.False(scanner.AtFrameBoundary);
    }

    [Theory]
    [InlineData(Close)]
    [InlineData(Ping)]
    [InlineData(Pong)]
    public void Scan_ControlFrameOver125Bytes_IsLost(byte opcode)
    {
        var within = new WebSocketFrameScanner();
        var over = new WebSocketFrameScanner();

        within.Scan(Frame(opcode, true, Payload(125)));
        over.Scan(Frame(opcode, true, Payload(126)));

        Assert.False(within.Lost);
        Assert.True(over.Lost);
    }

    [Theory]
    [InlineData(Close)]
    [InlineData(Ping)]
    [InlineData(Pong)]
    public void Scan_ControlFrameWithoutFin_IsLost(byte opcode)
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan(Frame(opcode, fin: false, "x"u8));

        Assert.True(scanner.Lost);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Scan_ReservedOpcode_IsLost(byte opcode)
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan(Frame(opcode, true, "x"u8));

        Assert.True(scanner.Lost);
    }

    [Fact]
    public void Scan_64BitLengthWithTheMostSignificantBitSet_IsLost()
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan(Header64(Binary, true, 0x8000_0000_0000_0000));

        Assert.True(scanner.Lost);
    }

    [Fact]
    public void Scan_HugeDeclaredLength_IsFollowedWithoutBufferingAndStaysInsideTheFrame()
    {
        var scanner = new WebSocketFrameScanner();

        scanner.Scan([.. Header64(Binary, true, 0x7FFF_FFFF_FFFF_FFFF), .. Payload(100_000)]);

        Assert.False(scanner.Lost);
        Assert.False(scanner.AtFrameBoundary);
    }

    [Fact]
    public void ScanToBoundary_OnceLost_TakesNothing()
    {
        var scanner = new WebSocketFrameScanner();
        scanner.Scan(Frame(3, true, []));

        var taken = scanner.ScanToBoundary(Frame(Binary, true, "ok"u8));
        scanner.Scan(Frame(Binary, true, "ok"u8));

        Assert.Equal(0, taken);
        Assert.True(scanner.Lost);
    }

    private static byte[] Payload(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];
}
