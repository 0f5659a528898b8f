using ApiProxyGateway.Protocols.Spdy;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class SpdyFramePropertyTests
{
    private static readonly Gen<uint> StreamId = Gen.UInt[1, 0x7FFFFFFF];

    private static readonly Gen<SpdyHeaders> Headers =
        Gen.Select(Gen.Char['a', 'z'].Array[1, 12].Select(c => new string(c)), Gen.Char[' ', '~'].Array[0, 40].Select(c => new string(c)))
            .List[0, 8]
            .Select(pairs =>
            {
                var headers = new SpdyHeaders();
                foreach (var (name, value) in pairs.DistinctBy(p => p.Item1))
                {
                    headers.Add(name, value);
                }

                return headers;
            });

    private static readonly Gen<SpdyFrame> Frame = Gen.OneOf<SpdyFrame>(
        Gen.Select(StreamId, Gen.Bool, Gen.Byte.Array[0, 3000], (id, fin, data) => (SpdyFrame)new SpdyDataFrame(id, fin, data)),
        Gen.Select(StreamId, Gen.UInt[0, 0x7FFFFFFF], Gen.Byte[0, 7], Gen.Bool, Gen.Bool, Headers,
            (id, assoc, pri, fin, uni, h) => (SpdyFrame)new SynStreamFrame(id, assoc, pri, fin, uni, h)),
        Gen.Select(StreamId, Gen.Bool, Headers, (id, fin, h) => (SpdyFrame)new SynReplyFrame(id, fin, h)),
        Gen.Select(StreamId, Gen.Bool, Headers, (id, fin, h) => (SpdyFrame)new HeadersFrame(id, fin, h)),
        Gen.Select(StreamId, Gen.Int[1, 11], (id, status) => (SpdyFrame)new RstStreamFrame(id, (SpdyStreamStatus)status)),
        Gen.Select(Gen.Bool, Gen.Select(Gen.Byte, Gen.UInt[0, 0xFFFFFF], Gen.UInt, (f, id, v) => new SpdySetting(f, id, v)).Array[0, 5],
            (clear, entries) => (SpdyFrame)new SettingsFrame(clear, entries)),
        Gen.UInt.Select(id => (SpdyFrame)new PingFrame(id)),
        Gen.Select(Gen.UInt[0, 0x7FFFFFFF], Gen.UInt[0, 2], (id, status) => (SpdyFrame)new GoAwayFrame(id, status)),
        Gen.Select(Gen.UInt[0, 0x7FFFFFFF], Gen.UInt[1, 0x7FFFFFFF], (id, delta) => (SpdyFrame)new WindowUpdateFrame(id, delta)));

    private static readonly Gen<(List<SpdyFrame> Frames, int[] Cuts)> FramesAndCuts =
        Gen.Select(Frame.List[1, 25], Gen.Int[0, int.MaxValue].Array[0, 20]);

    [Fact]
    public void Codec_RandomFramesAndRandomSplits_RoundTripExactly()
    {
        FramesAndCuts.Sample((frames, cuts) =>
        {
            var bytes = SpdyFrameText.Encode(frames);

            var decoded = SpdyFrameText.Decode(bytes, cuts.Select(c => c % bytes.Length));

            Assert.Equal(frames.Select(SpdyFrameText.Describe), decoded.Select(SpdyFrameText.Describe));
        }, iter: 300);
    }

    [Fact]
    public void Codec_RandomFramesWithTinyDataFragments_KeepsPayloadBytesFinsAndControlFrames()
    {
        FramesAndCuts.Sample((frames, cuts) =>
        {
            var bytes = SpdyFrameText.Encode(frames);

            var decoded = SpdyFrameText.Decode(bytes, cuts.Select(c => c % bytes.Length), maxDataFragment: 100);

            Assert.Equal(Payload(frames), Payload(decoded));
            Assert.Equal(frames.OfType<SpdyDataFrame>().Count(d => d.Fin), decoded.OfType<SpdyDataFrame>().Count(d => d.Fin));
            Assert.Equal(
                frames.Where(f => f is not SpdyDataFrame).Select(SpdyFrameText.Describe),
                decoded.Where(f => f is not SpdyDataFrame).Select(SpdyFrameText.Describe));
        }, iter: 200);
    }

    [Fact]
    public void HeaderCompression_ManyBlocksInOneContext_RoundTrip()
    {
        Headers.List[1, 40].Sample(blocks =>
        {
            var compressor = new SpdyHeaderCompressor();
            var decompressor = new SpdyHeaderDecompressor(1 << 20, 1000);
            foreach (var headers in blocks)
            {
                var output = new System.Buffers.ArrayBufferWriter<byte>();
                compressor.Compress(headers, output);

                var decoded = decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(output.WrittenMemory));

                Assert.Equal(headers.ToString(), decoded.ToString());

                // Go's inflater needs every block to end in a SYNC_FLUSH marker (an empty stored block).
                Assert.Equal("0000FFFF", Convert.ToHexString(output.WrittenSpan[^4..]));
            }
        }, iter: 100);
    }

    private static byte[] Payload(IEnumerable<SpdyFrame> frames) =>
        [.. frames.OfType<SpdyDataFrame>().SelectMany(d => d.Data.ToArray())];
}
