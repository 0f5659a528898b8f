using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>The request line of an HTTP/1.x request to the HTTP CONNECT frontend; the headers are read and ignored, as konnectivity-server does.</summary>
internal sealed record HttpConnectRequestHead(string Method, string Target, string Version)
{
    /// <summary>A request head longer than this is refused (Go's http.Server allows 1 MiB; nothing sends more than a few hundred bytes here).</summary>
    public const int MaximumLength = 16 * 1024;

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    public bool IsConnect => Method == "CONNECT";

    /// <summary>
    /// Reads one request head and consumes exactly it (tunnel bytes that follow stay in <paramref name="input"/>); null if the
    /// connection ends first; <see cref="FormatException"/> for a head that is too long or not HTTP/1.x.
    /// </summary>
    public static async Task<HttpConnectRequestHead?> ReadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHead))
            {
                var text = Encoding.Latin1.GetString(head); // before AdvanceTo, which releases the buffer
                input.AdvanceTo(reader.Position);
                return Parse(text);
            }

            if (buffer.Length > MaximumLength)
            {
                input.AdvanceTo(buffer.Start);
                throw new FormatException($"request head longer than {MaximumLength} bytes");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return null;
            }
        }
    }

    /// <summary>The request line of <paramref name="head"/> (its first line).</summary>
    public static HttpConnectRequestHead Parse(string head)
    {
        var line = head.Split("\r\n", 2)[0];
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new FormatException($"malformed request line \"{line}\"");
        }

        return new HttpConnectRequestHead(parts[0], parts[1], parts[2]);
    }

    /// <summary>Whether <see cref="Target"/> is the authority form CONNECT needs: <c>host:port</c>, <c>[v6]:port</c>.</summary>
    public bool HasAuthorityTarget()
    {
        var colon = Target.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(Target.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port > 0
            && !Target.Contains('/', StringComparison.Ordinal) && !Target.Any(char.IsControl) && !Target.Contains(' ', StringComparison.Ordinal);
    }
}
