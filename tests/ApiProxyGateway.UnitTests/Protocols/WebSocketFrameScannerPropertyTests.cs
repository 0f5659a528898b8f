using ApiProxyGateway.Protocols.WebSockets;
using CsCheck;
using static ApiProxyGateway.UnitTests.Protocols.WebSocketFrameBytes;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// The WebSocket frame scanner against generated frame sequences: however the bytes arrive, it reaches the same
/// state, sees the same boundaries, and ScanToBoundary lands exactly on each frame's end; on arbitrary bytes it
/// never throws and still does not depend on the chunking.
/// </summary>
public sealed class WebSocketFrameScannerPropertyTests
{
    private static readonly byte[] Mask = [0xA1, 0x00, 0x5C, 0xFF];

    /// <summary>One generated frame and the scanner's state once it has passed.</summary>
    private sealed record FrameSpec(byte[] Bytes, bool InsideAfter, bool ClosedAfter);

    /// <summary>
    /// A valid sequence: whole and fragmented messages with pings and pongs between fragments, every length encoding
    /// (and non-minimal ones), masked or not, possibly ending inside a message and possibly with a close.
    /// </summary>
    private static readonly Gen<List<FrameSpec>> ValidFrames =
        Gen.Select(Gen.Select(Gen.Int[0, 99], Gen.Int[0, 300], Gen.Bool, Gen.Bool, Gen.Int[0, 49]).Array[0, 30], Gen.Bool, Sequence);

    private static readonly Gen<int[]> Cuts = Gen.Int[0, int.MaxValue].Array[0, 20];

    private static readonly Gen<byte[]> ArbitraryBytes = ScannerFeeding.ArbitraryOrMutated(ValidFrames.Select(frames => (byte[])[.. frames.SelectMany(f => f.Bytes)]));

    [Fact]
    public void Scan_ValidFramesWholeByteByByteOrInChunks_EndsInTheSameExpectedState()
    {
        Gen.Select(ValidFrames, Cuts).Sample((frames, cuts) =>
        {
            byte[] bytes = [.. frames.SelectMany(f => f.Bytes)];
            var expected = $"lost=False inside={frames.LastOrDefault()?.InsideAfter ?? false} closed={frames.LastOrDefault()?.ClosedAfter ?? false} boundary=True";

            var (whole, chunked, bytewise, walk) = ScanEveryWay(bytes, cuts);

            Assert.Equal(expected, State(whole));
            Assert.Equal(expected, State(chunked));
            Assert.Equal(expected, State(bytewise));
            Assert.Equal(ScannerFeeding.Ends(frames.Select(f => f.Bytes)), walk.Boundaries);
        }, iter: 300);
    }

    [Fact]
    public void ScanToBoundary_ValidFramesInAnyChunks_LandsExactlyOnEachFrameEndInTheExpectedState()
    {
        Gen.Select(ValidFrames, Cuts).Sample((frames, cuts) =>
        {
            byte[] bytes = [.. frames.SelectMany(f => f.Bytes)];
            var scanner = new WebSocketFrameScanner();
            var states = new List<string>();

            var walk = ScannerFeeding.ToBoundaries(bytes, cuts,
                data =>
                {
                    var taken = scanner.ScanToBoundary(data);
                    if (scanner.AtFrameBoundary)
                    {
                        states.Add(State(scanner));
                    }

                    return taken;
                },
                () => scanner.AtFrameBoundary,
                () => scanner.Lost);

            Assert.Equal(ScannerFeeding.Ends(frames.Select(f => f.Bytes)), walk.Boundaries);
            Assert.Equal(bytes.Length, walk.Taken);
            Assert.Equal(frames.Select(f => $"lost=False inside={f.InsideAfter} closed={f.ClosedAfter} boundary=True"), states);
        }, iter: 300);
    }

    [Fact]
    public void Scan_ArbitraryBytesHoweverFed_NeverThrowsAndAgrees()
    {
        Gen.Select(ArbitraryBytes, Cuts).Sample((bytes, cuts) =>
        {
            var (whole, chunked, bytewise, byteWalk) = ScanEveryWay(bytes, cuts);
            var stepped = new WebSocketFrameScanner();
            var stepWalk = ScannerFeeding.ToBoundaries(bytes, cuts, stepped.ScanToBoundary, () => stepped.AtFrameBoundary, () => stepped.Lost);

            Assert.Equal(State(whole), State(chunked));
            Assert.Equal(State(whole), State(bytewise));
            Assert.Equal(State(whole), State(stepped));
            Assert.Equal(byteWalk.ToString(), stepWalk.ToString());
        }, iter: 3000);
    }

    /// <summary>Reads each move as the next valid frame: a ping or pong, or the next frame of a (possibly fragmented) data message.</summary>
    private static List<FrameSpec> Sequence((int Kind, int Small, bool Masked, bool Fin, int Size)[] moves, bool close)
    {
        var frames = new List<FrameSpec>();
        var inside = false;
        foreach (var (kind, small, masked, fin, size) in moves)
        {
            byte[] bytes;
            if (kind < 25)
            {
                bytes = Frame(kind % 2 == 0 ? Ping : Pong, fin: true, Payload(small % 126), masked ? Mask : null);
            }
            else
            {
                var opcode = inside ? Continuation : kind % 2 == 0 ? Text : Binary;
                var length = size switch { 49 => 65536 + small, 48 => 126 + (small * 200), _ => small };
                int? lengthBytes = size switch { 47 => 8, 46 when length <= ushort.MaxValue => 2, _ => null };
                bytes = Frame(opcode, fin, Payload(length), masked ? Mask : null, lengthBytes);
                inside = !fin;
            }

            frames.Add(new FrameSpec(bytes, inside, false));
        }

        if (close)
        {
            frames.Add(new FrameSpec(Frame(Close, true, [0x03, 0xE8, .. "bye"u8]), inside, true));
        }

        return frames;
    }

    private static string State(WebSocketFrameScanner scanner) =>
        $"lost={scanner.Lost} inside={scanner.InsideFragmentedMessage} closed={scanner.Closed} boundary={scanner.AtFrameBoundary}";

    /// <summary>The bytes followed whole, in the chunks <paramref name="cuts"/> make, and byte by byte (with where that saw boundaries).</summary>
    private static (WebSocketFrameScanner Whole, WebSocketFrameScanner Chunked, WebSocketFrameScanner Bytewise, ScannerFeeding.Walk ByteWalk) ScanEveryWay(byte[] bytes, int[] cuts)
    {
        var whole = new WebSocketFrameScanner();
        whole.Scan(bytes);
        var chunked = new WebSocketFrameScanner();
        ScannerFeeding.InChunks(bytes, cuts, chunked.Scan);
        var bytewise = new WebSocketFrameScanner();
        var walk = ScannerFeeding.ByteByByte(bytes, bytewise.Scan, () => bytewise.AtFrameBoundary, () => bytewise.Lost);
        return (whole, chunked, bytewise, walk);
    }

    private static byte[] Payload(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31) + length))];
}
