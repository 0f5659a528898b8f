using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Protocols.WebSockets;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>frame-scanners</c>: <see cref="WebSocketFrameScanner"/> or <see cref="SpdyFrameScanner"/> (and through it the SPDY
/// reader and inflater) over arbitrary bytes. Input: one byte (bit 7: SPDY rather than WebSocket; the low bits: the
/// chunking), then the relayed bytes. They are followed four ways: whole, in input-driven chunks of 1 to 64 bytes, byte by
/// byte, and with ScanToBoundary repeated over the same chunks. All four must end in the same state with the same stream
/// events; ScanToBoundary must stop at exactly the boundaries the byte-by-byte reading saw, take everything between
/// them, and be lost where it was; nothing may throw; and no reading may allocate beyond a budget proportional to the input.
/// </summary>
internal static class FrameScannersTarget
{
    public static FuzzTarget Target { get; } = new(
        "frame-scanners",
        "WebSocketFrameScanner or SpdyFrameScanner over arbitrary bytes: whole, chunked, byte by byte and boundary by boundary",
        ["ApiProxyGateway.Protocols.dll", "ICSharpCode.SharpZipLib.dll"],
        Run,
        FrameScannerSeeds.All);

    private static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var control = input[0];
        var wire = input.AsMemory(1);
        var spdy = (control & 0x80) != 0;
        var chunks = SpdyFramesTarget.ChunkSizes(control, wire.Length).ToArray();

        var whole = new Reading(spdy);
        whole.Scan(wire.Span);

        var chunked = new Reading(spdy);
        var offset = 0;
        foreach (var size in chunks)
        {
            chunked.Scan(wire.Span.Slice(offset, Math.Min(size, wire.Length - offset)));
            offset += size;
        }

        var bytewise = new Reading(spdy);
        var byteBoundaries = new List<int>();
        var byteTaken = wire.Length;
        for (var i = 0; i < wire.Length; i++)
        {
            if (bytewise.Lost)
            {
                byteTaken = i;
                break;
            }

            bytewise.Scan(wire.Span.Slice(i, 1));
            if (bytewise.AtBoundary)
            {
                byteBoundaries.Add(i + 1);
            }
        }

        var stepped = new Reading(spdy);
        var (stepBoundaries, stepTaken) = Step(stepped, wire.Span, chunks);

        foreach (var (name, reading) in new[] { ("chunked", chunked), ("byte by byte", bytewise), ("boundary by boundary", stepped) })
        {
            if (reading.State != whole.State || !reading.Told.SequenceEqual(whole.Told))
            {
                throw new FuzzFinding($"Reading {name} changed the result:\n whole: {whole}\n {name}: {reading}");
            }
        }

        if (stepTaken != byteTaken || !stepBoundaries.SequenceEqual(byteBoundaries))
        {
            throw new FuzzFinding($"ScanToBoundary took {stepTaken} bytes with boundaries at {string.Join(",", stepBoundaries)}; " +
                $"byte by byte the scanner took {byteTaken} with boundaries at {string.Join(",", byteBoundaries)}.");
        }

        // zlib inflates up to about 1000:1 and a header block is decoded into strings, as for spdy-frames; a WebSocket
        // scanner holds a 14-byte header and nothing else.
        var budget = spdy ? (2L << 20) + (8L * 1024 * wire.Length) : 16 * 1024;
        foreach (var reading in new[] { whole, chunked, bytewise, stepped })
        {
            if (reading.Allocated > budget)
            {
                throw new FuzzFinding($"Following {wire.Length} bytes allocated {reading.Allocated} bytes, over the budget of {budget}.");
            }
        }
    }

    /// <summary>ScanToBoundary until each chunk is used up; each call must reach a boundary, or take the rest of its chunk, or lose the scanner.</summary>
    private static (List<int> Boundaries, int Taken) Step(Reading reading, ReadOnlySpan<byte> wire, int[] chunks)
    {
        var boundaries = new List<int>();
        var start = 0;
        foreach (var size in chunks)
        {
            var end = Math.Min(start + size, wire.Length);
            for (var offset = start; offset < end;)
            {
                var step = reading.ScanToBoundary(wire[offset..end]);
                if (step < 0 || step > end - offset || (step == 0 && !reading.Lost))
                {
                    throw new FuzzFinding($"ScanToBoundary took {step} of {end - offset} bytes at {offset} (lost: {reading.Lost}).");
                }

                if (step == 0)
                {
                    return (boundaries, offset);
                }

                offset += step;
                if (reading.AtBoundary)
                {
                    boundaries.Add(offset);
                }
                else if (offset != end && !reading.Lost)
                {
                    throw new FuzzFinding($"ScanToBoundary stopped at {offset}, neither at a boundary nor at the end of its chunk ({end}).");
                }
            }

            start = end;
        }

        return (boundaries, wire.Length);
    }

    /// <summary>One scanner and what it told; only the scanner's own allocations are counted, not this bookkeeping.</summary>
    private sealed class Reading : ISpdyStreamObserver
    {
        private readonly WebSocketFrameScanner? _webSocket;
        private readonly SpdyFrameScanner? _spdy;
        private long _bookkeeping;

        public Reading(bool spdy)
        {
            if (spdy)
            {
                _spdy = new SpdyFrameScanner(this);
            }
            else
            {
                _webSocket = new WebSocketFrameScanner();
            }
        }

        public List<string> Told { get; } = [];

        public long Allocated { get; private set; }

        public bool Lost => _webSocket?.Lost ?? _spdy!.Lost; // ! one of the two is always set

        public bool AtBoundary => _webSocket?.AtFrameBoundary ?? _spdy!.AtFrameBoundary; // ! as above

        public string State => _webSocket is { } w
            ? $"lost={w.Lost} boundary={w.AtFrameBoundary} inside={w.InsideFragmentedMessage} closed={w.Closed}"
            : $"lost={Lost} boundary={AtBoundary}";

        public void Scan(ReadOnlySpan<byte> data)
        {
            var before = Start();
            if (_webSocket is { } w)
            {
                w.Scan(data);
            }
            else
            {
                _spdy!.Scan(data); // ! as above
            }

            Stop(before);
        }

        public int ScanToBoundary(ReadOnlySpan<byte> data)
        {
            var before = Start();
            var taken = _webSocket?.ScanToBoundary(data) ?? _spdy!.ScanToBoundary(data); // ! as above
            Stop(before);
            return taken;
        }

        public void Opened(uint streamId, SpdyHeaders headers) => Record("opened", streamId, headers);

        public void HalfClosed(uint streamId) => Record("half-closed", streamId, null);

        public void Reset(uint streamId) => Record("reset", streamId, null);

        public override string ToString() => $"{State}; told {string.Join(" | ", Told)}";

        private long Start()
        {
            _bookkeeping = 0;
            return GC.GetAllocatedBytesForCurrentThread();
        }

        private void Stop(long before) => Allocated += GC.GetAllocatedBytesForCurrentThread() - before - _bookkeeping;

        private void Record(string what, uint streamId, SpdyHeaders? headers)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Told.Add(headers is null ? $"{what} {streamId}" : $"{what} {streamId} [{headers}]");
            _bookkeeping += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
