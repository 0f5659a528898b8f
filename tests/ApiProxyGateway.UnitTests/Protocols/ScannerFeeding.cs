using CsCheck;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// Feeds bytes to a frame scanner the ways a relay may receive them (whole, byte by byte, in arbitrary chunks, one
/// boundary at a time), so that tests can check that the way they arrive changes nothing; and the bytes to feed.
/// </summary>
internal static class ScannerFeeding
{
    /// <summary>Random bytes, or valid ones with a few bytes changed (which get past the first header and far deeper).</summary>
    public static Gen<byte[]> ArbitraryOrMutated(Gen<byte[]> valid) => Gen.OneOf(
        Gen.Byte.Array[0, 400],
        Gen.Select(valid, Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Byte.Array[4], (bytes, positions, values) =>
        {
            for (var i = 0; i < positions.Length && bytes.Length > 0; i++)
            {
                bytes[positions[i] % bytes.Length] ^= values[i];
            }

            return bytes;
        }));

    /// <summary>Where each of <paramref name="frames"/>, sent one after the other, ends.</summary>
    public static List<int> Ends(IEnumerable<byte[]> frames)
    {
        var ends = new List<int>();
        var end = 0;
        foreach (var frame in frames)
        {
            end += frame.Length;
            ends.Add(end);
        }

        return ends;
    }

    /// <summary>The chunks <paramref name="cuts"/> (any ints, taken modulo the length) make of <paramref name="length"/> bytes.</summary>
    public static IEnumerable<Range> Chunks(int length, IEnumerable<int> cuts)
    {
        var start = 0;
        foreach (var end in cuts.Select(c => (int)((uint)c % (uint)(length + 1))).Where(c => c > 0 && c < length).Distinct().Order().Append(length))
        {
            yield return start..end;
            start = end;
        }
    }

    public static void InChunks(byte[] bytes, IEnumerable<int> cuts, Action<ReadOnlySpan<byte>> scan)
    {
        foreach (var chunk in Chunks(bytes.Length, cuts))
        {
            scan(bytes.AsSpan(chunk));
        }
    }

    /// <summary>
    /// One byte per call: the offsets after which the scanner was at a frame boundary, and how many bytes it took
    /// before it was lost (all of them if it never was).
    /// </summary>
    public static Walk ByteByByte(byte[] bytes, Action<ReadOnlySpan<byte>> scan, Func<bool> atBoundary, Func<bool> lost)
    {
        var boundaries = new List<int>();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (lost())
            {
                return new Walk(boundaries, i);
            }

            scan(bytes.AsSpan(i, 1));
            if (atBoundary())
            {
                boundaries.Add(i + 1);
            }
        }

        return new Walk(boundaries, bytes.Length);
    }

    /// <summary>
    /// ScanToBoundary over each chunk until the chunk is used up or nothing more is taken; each call must end at a
    /// boundary, or take the rest of its chunk, or lose the scanner.
    /// </summary>
    public static Walk ToBoundaries(byte[] bytes, IEnumerable<int> cuts, Func<ReadOnlySpan<byte>, int> scanToBoundary, Func<bool> atBoundary, Func<bool> lost)
    {
        var boundaries = new List<int>();
        var taken = 0;
        foreach (var chunk in Chunks(bytes.Length, cuts))
        {
            var (start, end) = (chunk.Start.Value, chunk.End.Value);
            for (var offset = start; offset < end;)
            {
                var step = scanToBoundary(bytes.AsSpan(offset..end));
                Assert.InRange(step, 0, end - offset);
                if (step == 0)
                {
                    Assert.True(lost(), $"ScanToBoundary took nothing at {offset} without being lost");
                    return new Walk(boundaries, taken);
                }

                offset += step;
                taken += step;
                if (atBoundary())
                {
                    boundaries.Add(taken);
                }
                else
                {
                    Assert.True(offset == end || lost(), $"ScanToBoundary stopped at {offset}, neither at a boundary nor at the end of its chunk ({end})");
                }
            }
        }

        return new Walk(boundaries, taken);
    }

    /// <summary>Where a scanner saw frame boundaries, and how many bytes it followed.</summary>
    public sealed record Walk(List<int> Boundaries, int Taken)
    {
        public override string ToString() => $"taken {Taken}, boundaries at {string.Join(",", Boundaries)}";
    }
}
