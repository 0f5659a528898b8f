using System.Buffers;
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

    /// <summary>Any frame the writer can write (shared with the scanner's properties).</summary>
    internal static readonly Gen<SpdyFrame> Frame = Gen.OneOf<SpdyFrame>(
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

    [Fact]
    public void HeaderCompression_MoreThanTheWindowInOneContext_RoundTripsWithBackReferencesIntoEarlierBlocks()
    {
        // 200 blocks of about 1 KiB reusing earlier values: later blocks refer back into bytes inflated blocks ago,
        // past the dictionary and past 32 KiB of history, which the decompressor must trim exactly as zlib's window does.
        var compressor = new SpdyHeaderCompressor();
        var decompressor = new SpdyHeaderDecompressor(1 << 20, 1000);
        var random = new Random(7);
        var values = Enumerable.Range(0, 60).Select(i => new string((char)('a' + (i % 26)), 1) + Convert.ToHexString(Enumerable.Range(0, 300).Select(_ => (byte)random.Next()).ToArray())).ToArray();
        var inflated = 0;
        for (var block = 0; block < 200; block++)
        {
            var headers = new SpdyHeaders();
            headers.Add("streamtype", block % 2 == 0 ? "data" : "error");
            headers.Add("x-value", values[random.Next(values.Length)]);
            headers.Add("x-other", values[(block * 7) % values.Length]);
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            compressor.Compress(headers, output);

            var decoded = decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(output.WrittenMemory));

            Assert.Equal(headers.ToString(), decoded.ToString());
            inflated += 1200;
        }

        Assert.True(inflated > 4 * 32 * 1024, $"only {inflated} bytes inflated");
    }

    [Fact]
    public void HeaderCompression_ABackReferenceBeforeTheStreamStart_ReadsZerosNeverWhatTheSharedInflaterHeldBefore()
    {
        // The inflater and its window are shared by the connections a thread serves. Connection A inflates a header;
        // connection B then sends a block whose back-references reach before its own stream's start (compressed
        // against a 32 KiB dictionary of random letters that only claims to be SPDY's). B must read zeros there, as a
        // fresh zlib inflater would: the window is written whole for every block, so nothing of A's can be reached
        // (a first design that set only the dictionary and history leaked A's letters here).
        var random = new Random(11);
        var letters = Enumerable.Range(0, 32 * 1024).Select(_ => (byte)('a' + random.Next(26))).ToArray();
        var secret = new SpdyHeaders();
        secret.Add("x-secret", System.Text.Encoding.ASCII.GetString(letters, 20, 30_000)); // inflated, letters[k] lands at output offset k
        var encoded = new System.Buffers.ArrayBufferWriter<byte>();
        new SpdyHeaderCompressor().Compress(secret, encoded);
        Assert.Equal(secret.ToString(), new SpdyHeaderDecompressor(1 << 20, 1000).Decompress(new System.Buffers.ReadOnlySequence<byte>(encoded.WrittenMemory)).ToString());

        var forged = letters.ToArray();
        SpdyDictionary.Bytes.CopyTo(forged.AsSpan(forged.Length - SpdyDictionary.Bytes.Length));
        var reached = System.Text.Encoding.ASCII.GetString(forged, 1000, 400);
        var probe = new SpdyHeaders();
        probe.Add("x-probe", reached);
        var deflater = new ICSharpCode.SharpZipLib.Zip.Compression.Deflater(9, noZlibHeaderOrFooter: false);
        deflater.SetDictionary(forged);
        deflater.SetInput(SpdyHeaderBlock.Encode(probe));
        deflater.Flush();
        var output = new byte[64 * 1024];
        var block = output[..deflater.Deflate(output)];
        Assert.True(block.Length < 200, $"the probe did not compress against the dictionary ({block.Length} bytes)");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(2), 0xE3C6A7C2); // claim the SPDY dictionary

        string? decoded;
        try
        {
            decoded = new SpdyHeaderDecompressor(1 << 20, 1000).Decompress(new System.Buffers.ReadOnlySequence<byte>(block)).ToString();
        }
        catch (SpdyProtocolException)
        {
            decoded = null; // refusing the block is as good
        }

        Assert.True(decoded is null || !decoded.Contains(reached[..16], StringComparison.Ordinal), decoded);
    }

    [Fact]
    public void HeaderCompression_AStreamNamingAnotherDictionary_IsAProtocolError()
    {
        var block = Convert.FromHexString("78BB0000000100");

        var error = Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderDecompressor(1 << 20, 1000).Decompress(new System.Buffers.ReadOnlySequence<byte>(block)));

        Assert.Contains("preset dictionary other than SPDY's", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderCompression_ABlockThatEndsTheZlibStream_IsAProtocolError()
    {
        // A SPDY connection keeps one zlib stream for its life; a sender that finishes it has broken the session. The
        // second block is a complete, valid final deflate block (an empty name/value block) with its checksum.
        var headers = new SpdyHeaders();
        headers.Add("streamtype", "data");
        var encoded = new System.Buffers.ArrayBufferWriter<byte>();
        new SpdyHeaderCompressor().Compress(headers, encoded);
        var decompressor = new SpdyHeaderDecompressor(1 << 20, 1000);
        decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(encoded.WrittenMemory));
        var deflater = new ICSharpCode.SharpZipLib.Zip.Compression.Deflater(6, noZlibHeaderOrFooter: true);
        deflater.SetInput(new byte[4]);
        deflater.Finish();
        var output = new byte[64];
        var block = output[..deflater.Deflate(output)].Concat(Convert.FromHexString("00040001")).ToArray();

        var error = Assert.Throws<SpdyProtocolException>(() => decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(block)));

        Assert.Contains("ended or stalled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderCompression_ABlockThatStopsInsideADeflateBlock_IsAProtocolError()
    {
        // A stored deflate block that announces more bytes than the frame carries: the frame's header block decodes,
        // but the deflate block goes on into the next frame, which SPDY's sync flush rules out and the shared
        // inflater cannot follow.
        var headers = new SpdyHeaders();
        headers.Add("streamtype", "data");
        var encoded = SpdyHeaderBlock.Encode(headers);
        var stored = new byte[] { 0x00, (byte)(encoded.Length + 10), 0x00, (byte)~(encoded.Length + 10), 0xFF };
        var block = Convert.FromHexString("78BBE3C6A7C2").Concat(stored).Concat(encoded).ToArray();

        var error = Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderDecompressor(1 << 20, 1000).Decompress(new System.Buffers.ReadOnlySequence<byte>(block)));

        Assert.Contains("does not end at a deflate block boundary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderCompression_AConnectionPastTheSharedInflatersBlockCount_GoesOnWithItsOwnAndStillRoundTrips()
    {
        var compressor = new SpdyHeaderCompressor();
        var decompressor = new SpdyHeaderDecompressor(1 << 20, 1000);
        for (var i = 0; i < SpdyHeaderDecompressor.BlocksBeforeOwnInflater * 3; i++)
        {
            var headers = new SpdyHeaders();
            headers.Add("streamtype", i % 2 == 0 ? "data" : "error");
            headers.Add("port", (8000 + (i % 5)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            headers.Add("requestid", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            compressor.Compress(headers, output);

            Assert.Equal(headers.ToString(), decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(output.WrittenMemory)).ToString());
        }
    }

    [Fact]
    public void Reader_ArbitraryOrMutatedBytesInArbitraryChunks_FailOnlyWithProtocolErrorsWithinTheBudget()
    {
        ArbitraryWire.Sample((bytes, cuts) =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();

            var events = ReadEvents(bytes, cuts);

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationBudget(bytes.Length), $"{allocated} bytes allocated for {bytes.Length} input bytes");
            Assert.DoesNotContain(events.SkipLast(1), e => e.StartsWith("error:", StringComparison.Ordinal));
        }, iter: 2000);
    }

    [Fact]
    public void Reader_ArbitraryOrMutatedBytes_GiveTheSameFramesAndErrorWhateverTheChunking()
    {
        ArbitraryWire.Sample((bytes, cuts) => Assert.Equal(ReadEvents(bytes, []), ReadEvents(bytes, cuts)), iter: 1000);
    }

    [Fact]
    public void Decompressor_ArbitraryOrMutatedBlocksOnOneStream_FailOnlyWithProtocolErrors()
    {
        var blocks = Gen.OneOf(
            Gen.Byte.Array[0, 200].Array[1, 6],
            Gen.Select(Headers.List[1, 6], Gen.Int[0, int.MaxValue].Array[1, 6], Gen.Byte.Array[6], (headers, positions, values) =>
            {
                var compressor = new SpdyHeaderCompressor();
                return headers.Select((h, i) =>
                {
                    var output = new System.Buffers.ArrayBufferWriter<byte>();
                    compressor.Compress(h, output);
                    var block = output.WrittenSpan.ToArray();
                    block[positions[i % positions.Length] % block.Length] ^= values[i % values.Length];
                    return block;
                }).ToArray();
            }));

        blocks.Sample(sequence =>
        {
            var decompressor = new SpdyHeaderDecompressor(64 * 1024, 100);
            try
            {
                foreach (var block in sequence)
                {
                    decompressor.Decompress(new System.Buffers.ReadOnlySequence<byte>(block));
                }
            }
            catch (SpdyProtocolException)
            {
                // The one way a block may be refused.
            }
        }, iter: 2000);
    }

    /// <summary>Random bytes, or real frames with a few bytes changed (which reach far deeper into the parser).</summary>
    private static readonly Gen<(byte[] Bytes, int[] Cuts)> ArbitraryWire = Gen.Select(
        Gen.OneOf(
            Gen.Byte.Array[0, 400],
            Gen.Select(Frame.List[1, 6], Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Byte.Array[4], (frames, positions, values) =>
            {
                var bytes = SpdyFrameText.Encode(frames);
                for (var i = 0; i < positions.Length; i++)
                {
                    bytes[positions[i] % bytes.Length] ^= values[i];
                }

                return bytes;
            })),
        Gen.Int[1, 400].Array[0, 12]);

    /// <summary>What the fuzz target allows: a fixed part for the zlib state, and a generous share per input byte (zlib inflates ~1000:1).</summary>
    private static long AllocationBudget(int inputLength) => (2L << 20) + (8L * 1024 * inputLength);

    /// <summary>Frames (DATA pieces of one stream merged) and, last, the error if the reader threw one.</summary>
    private static List<string> ReadEvents(byte[] bytes, int[] cuts)
    {
        var reader = new SpdyFrameReader();
        var events = new List<string>();
        var pending = Array.Empty<byte>();
        var start = 0;
        try
        {
            foreach (var end in cuts.Select(c => c % (bytes.Length + 1)).Where(c => c > 0).Distinct().Order().Append(bytes.Length))
            {
                pending = [.. pending, .. bytes[start..end]];
                start = end;
                var buffer = new System.Buffers.ReadOnlySequence<byte>(pending);
                while (reader.TryRead(ref buffer, out var frame))
                {
                    if (frame is SpdyDataFrame data && events.Count > 0 && events[^1].StartsWith($"DATA {data.StreamId} fin=False", StringComparison.Ordinal))
                    {
                        var merged = events[^1].Split(' ')[^1] + Convert.ToHexString(data.Data.Span);
                        events[^1] = $"DATA {data.StreamId} fin={data.Fin} {merged}";
                    }
                    else
                    {
                        events.Add(SpdyFrameText.Describe(frame));
                    }
                }

                pending = buffer.ToArray();
            }
        }
        catch (SpdyProtocolException ex)
        {
            events.Add("error: " + ex.Message);
        }

        return events;
    }

    private static byte[] Payload(IEnumerable<SpdyFrame> frames) =>
        [.. frames.OfType<SpdyDataFrame>().SelectMany(d => d.Data.ToArray())];
}
