using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ApiProxyGateway.Upstreams;

/// <summary>Rewrites one HTTP/1.1 request head and reports how its body is framed.</summary>
internal static class RequestHead
{
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    /// <summary>
    /// Writes <paramref name="head"/> (through its blank line) to <paramref name="output"/> line by line, each
    /// <see cref="HeaderLines.PlaceholderPrefix"/> line as the header line it carries, and reads the body's framing
    /// from the lines as written. Bytes in, bytes out: a head is Latin-1 on the wire, and no text is made of it.
    /// </summary>
    public static RequestFraming Rewrite(ReadOnlySpan<byte> head, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        long contentLength = 0;
        bool chunked = false, upgrade = false, first = true;
        while (true)
        {
            var end = head.IndexOf(LineEnd);
            var line = end < 0 ? head : head[..end];
            if (!first)
            {
                if (IsPlaceholder(line))
                {
                    line = Unwrap(line);
                }

                var colon = line.IndexOf((byte)':');
                if (colon > 0)
                {
                    var name = Trim(line[..colon]);
                    var value = Trim(line[(colon + 1)..]);
                    if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                    {
                        contentLength = Utf8Parser.TryParse(value, out long parsed, out var used) && used == value.Length && parsed >= 0
                            ? parsed
                            : throw new FormatException("the request head's Content-Length is not a number");
                    }
                    else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                    {
                        chunked |= ContainsIgnoreCase(value, "chunked"u8);
                    }
                    else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
                    {
                        upgrade = true;
                    }
                }
            }

            output.Write(line);
            if (end < 0)
            {
                break;
            }

            output.Write(LineEnd);
            head = head[(end + LineEnd.Length)..];
            first = false;
        }

        return new RequestFraming(chunked ? -1 : contentLength, upgrade);
    }

    private static bool IsPlaceholder(ReadOnlySpan<byte> line) =>
        line.Length >= HeaderLines.PlaceholderPrefix.Length
        && Ascii.EqualsIgnoreCase(line[..HeaderLines.PlaceholderPrefix.Length], HeaderLines.PlaceholderPrefix);

    /// <summary><c>X-Apg-Line-3: Impersonate-Group: a</c> becomes <c>Impersonate-Group: a</c>.</summary>
    private static ReadOnlySpan<byte> Unwrap(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        return colon < 0 ? line : line[(colon + 1)..].TrimStart(" \t"u8);
    }

    /// <summary>Trims what <see cref="char.IsWhiteSpace(char)"/> calls white space in Latin-1, as trimming the decoded line did.</summary>
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace((char)text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && char.IsWhiteSpace((char)text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word)
    {
        for (var i = 0; i + word.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.Slice(i, word.Length), word))
            {
                return true;
            }
        }

        return false;
    }
}
