using System.Buffers;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// The SPDY frame scanner against frames written by the gateway's own writer: however the bytes arrive, it tells
/// the same stream events, sees the same boundaries, and ScanToBoundary lands exactly on each frame's end; on
/// arbitrary bytes it never throws and still does not depend on the chunking.
/// </summary>
public sealed class SpdyFrameScannerPropertyTests
{
    /// <summary>Any frame, plus the kinds the scanner treats specially: kubectl's error streams, unknown control frames, FIN on DATA.</summary>
    private static readonly Gen<SpdyFrame> Frame = Gen.OneOf(
        SpdyFramePropertyTests.Frame,
        Gen.Select(Gen.UInt[1, 0x7FFFFFFF], Gen.Bool, (id, fin) =>
            (SpdyFrame)new SynStreamFrame(id, 0, 0, fin, false, new SpdyHeaders { { StreamHeaders.StreamType, StreamHeaders.Error } })),
        Gen.Select(Gen.UShort[10, 0x7FFF], Gen.Byte, Gen.Int[0, 3000], (type, flags, length) => (SpdyFrame)new UnknownControlFrame(type, flags, length)),
        Gen.Select(Gen.UInt[1, 0x7FFFFFFF], Gen.Byte.Array[0, 100], (id, data) => (SpdyFrame)new SpdyDataFrame(id, true, data)));

    private static readonly Gen<int[]> Cuts = Gen.Int[0, int.MaxValue].Array[0, 20];

    private static readonly Gen<byte[]> ArbitraryBytes = ScannerFeeding.ArbitraryOrMutated(Frame.List[1, 6].Select(frames => Encode(frames).Bytes));

    [Fact]
    public void Scan_WrittenFramesWholeByteByByteOrInChunks_TellsWhatTheFramesSayAndEndsAtABoundary()
    {
        Gen.Select(Frame.List[0, 25], Cuts).Sample((frames, cuts) =>
        {
            var (bytes, ends) = Encode(frames);
            var expected = frames.SelectMany(Told).ToList();

            var (whole, chunked, bytewise, walk) = ScanEveryWay(bytes, cuts);

            Assert.All(new[] { whole, chunked, bytewise }, run =>
            {
                Assert.Equal(expected, run.Told);
                Assert.Equal("lost=False boundary=True", State(run.Scanner));
            });
            Assert.Equal(ends, walk.Boundaries);
        }, iter: 200);
    }

    [Fact]
    public void ScanToBoundary_WrittenFramesInAnyChunks_LandsExactlyOnEachFrameEnd()
    {
        Gen.Select(Frame.List[0, 25], Cuts).Sample((frames, cuts) =>
        {
            var (bytes, ends) = Encode(frames);
            var run = Scanner();
            var toldAtEachEnd = new List<int>();

            var walk = ScannerFeeding.ToBoundaries(bytes, cuts,
                data =>
                {
                    var taken = run.Scanner.ScanToBoundary(data);
                    if (run.Scanner.AtFrameBoundary)
                    {
                        toldAtEachEnd.Add(run.Told.Count);
                    }

                    return taken;
                },
                () => run.Scanner.AtFrameBoundary,
                () => run.Scanner.Lost);

            Assert.Equal(ends, walk.Boundaries);
            Assert.Equal(bytes.Length, walk.Taken);

            // Each frame's events are told by the time its last byte has been taken, never later.
            var counts = frames.Select(f => Told(f).Count()).ToList();
            Assert.Equal(counts.Select((_, i) => counts.Take(i + 1).Sum()), toldAtEachEnd);
        }, iter: 200);
    }

    [Fact]
    public void Scan_ArbitraryBytesHoweverFed_NeverThrowsAndAgrees()
    {
        Gen.Select(ArbitraryBytes, Cuts).Sample((bytes, cuts) =>
        {
            var (whole, chunked, bytewise, byteWalk) = ScanEveryWay(bytes, cuts);
            var stepped = Scanner();
            var stepWalk = ScannerFeeding.ToBoundaries(bytes, cuts, stepped.Scanner.ScanToBoundary, () => stepped.Scanner.AtFrameBoundary, () => stepped.Scanner.Lost);

            Assert.All(new[] { chunked, bytewise, stepped }, run =>
            {
                Assert.Equal(whole.Told, run.Told);
                Assert.Equal(State(whole.Scanner), State(run.Scanner));
            });
            Assert.Equal(byteWalk.ToString(), stepWalk.ToString());
        }, iter: 2000);
    }

    [Fact]
    public void Scan_WithoutReadingHeaders_TellsTheSameHalfClosesResetsAndBoundariesButNoOpens()
    {
        Gen.Select(Frame.List[0, 25], Cuts).Sample((frames, cuts) =>
        {
            var (bytes, _) = Encode(frames);
            var reading = Scanner();
            ScannerFeeding.InChunks(bytes, cuts, reading.Scanner.Scan);
            var observer = new RecordingSpdyObserver();
            var blind = new SpdyFrameScanner(observer, readHeaders: false);
            ScannerFeeding.InChunks(bytes, cuts, blind.Scan);

            Assert.Equal(reading.Told.Where(e => !e.StartsWith("opened", StringComparison.Ordinal)), observer.Events);
            Assert.Equal(State(reading.Scanner), State(blind));
        }, iter: 200);
    }

    private static (SpdyFrameScanner Scanner, List<string> Told) Scanner()
    {
        var observer = new RecordingSpdyObserver();
        return (new SpdyFrameScanner(observer), observer.Events);
    }

    /// <summary>The bytes followed whole, in the chunks <paramref name="cuts"/> make, and byte by byte (with where that saw boundaries).</summary>
    private static ((SpdyFrameScanner Scanner, List<string> Told) Whole, (SpdyFrameScanner Scanner, List<string> Told) Chunked,
        (SpdyFrameScanner Scanner, List<string> Told) Bytewise, ScannerFeeding.Walk ByteWalk) ScanEveryWay(byte[] bytes, int[] cuts)
    {
        var whole = Scanner();
        whole.Scanner.Scan(bytes);
        var chunked = Scanner();
        ScannerFeeding.InChunks(bytes, cuts, chunked.Scanner.Scan);
        var bytewise = Scanner();
        var walk = ScannerFeeding.ByteByByte(bytes, bytewise.Scanner.Scan, () => bytewise.Scanner.AtFrameBoundary, () => bytewise.Scanner.Lost);
        return (whole, chunked, bytewise, walk);
    }

    private static string State(SpdyFrameScanner scanner) => $"lost={scanner.Lost} boundary={scanner.AtFrameBoundary}";

    /// <summary>The frames on the wire, written in order by one writer (one zlib stream), and where each ends.</summary>
    private static (byte[] Bytes, List<int> Ends) Encode(IEnumerable<SpdyFrame> frames)
    {
        var writer = new SpdyFrameWriter();
        var output = new ArrayBufferWriter<byte>();
        var ends = new List<int>();
        foreach (var frame in frames)
        {
            writer.Write(frame, output);
            ends.Add(output.WrittenCount);
        }

        return (output.WrittenSpan.ToArray(), ends);
    }

    /// <summary>What the scanner should tell an observer about <paramref name="frame"/>.</summary>
    private static IEnumerable<string> Told(SpdyFrame frame) => frame switch
    {
        SynStreamFrame { Fin: true } syn => [$"opened {syn.StreamId} [{syn.Headers}]", $"half-closed {syn.StreamId}"],
        SynStreamFrame syn => [$"opened {syn.StreamId} [{syn.Headers}]"],
        SynReplyFrame { Fin: true } reply => [$"half-closed {reply.StreamId}"],
        HeadersFrame { Fin: true } headers => [$"half-closed {headers.StreamId}"],
        SpdyDataFrame { Fin: true } data => [$"half-closed {data.StreamId}"],
        RstStreamFrame reset => [$"reset {reset.StreamId}"],
        _ => [],
    };
}
