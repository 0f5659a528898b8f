using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Unicode;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Reads and writes an attribute value the way HTML does: character references decoded by the rules for
/// attribute values (WHATWG §13.2.5.72–80), and written back with <c>&amp;</c> and the quote escaped.
/// </summary>
/// <remarks>
/// Named references are resolved with <see cref="WebUtility.HtmlDecode(string)"/>, whose table is HTML 4's
/// 253 names; HTML5 added some 2,000 more (<c>&amp;sol;</c>, <c>&amp;colon;</c>, …) and no framework type lists
/// them. A value holding a name the table lacks is reported as undecodable and left as it was, rather than
/// guessed at: the link may then go unrewritten, but its meaning never changes. Legacy names without ';' are
/// the Latin-1 set and amp/lt/gt/quot, all in the table.
/// </remarks>
internal static class HtmlAttributeValue
{
    private const int LongestEntityName = 31; // "CounterClockwiseContourIntegral"

    // Numeric references to C1 controls mean the windows-1252 character at that byte (the spec's remapping table).
    private const string Windows1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>
    /// The value as a browser reads it, or null if it holds a named reference this table cannot resolve. Bytes
    /// beyond ASCII are read as UTF-8 when they are valid UTF-8, else as Latin-1; the link rule looks only at ASCII.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> raw)
    {
        var text = Utf8.IsValid(raw) ? Encoding.UTF8.GetString(raw) : Encoding.Latin1.GetString(raw);
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return text;
        }

        var decoded = new StringBuilder(text.Length);
        var copied = 0;
        while (amp >= 0)
        {
            decoded.Append(text, copied, amp - copied);
            var consumed = AppendReference(text.AsSpan(amp + 1), decoded);
            if (consumed < 0)
            {
                return null;
            }

            if (consumed == 0)
            {
                decoded.Append('&');
            }

            copied = amp + 1 + consumed;
            amp = text.IndexOf('&', copied);
        }

        return decoded.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Writes text for a value quoted with <paramref name="quote"/>: '&amp;' and the quote escaped, non-ASCII as numeric references (right in any charset).</summary>
    public static void Encode(ReadOnlySpan<char> value, byte quote, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Span<byte> reference = stackalloc byte[12];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value == '&')
            {
                output.Write("&amp;"u8);
            }
            else if (rune.Value == quote)
            {
                output.Write(quote == '"' ? "&quot;"u8 : "&#39;"u8);
            }
            else if (rune.IsAscii)
            {
                output.Write([(byte)rune.Value]);
            }
            else
            {
                Utf8.TryWrite(reference, $"&#x{rune.Value:X};", out var written);
                output.Write(reference[..written]);
            }
        }
    }

    /// <summary>Writes a value's original bytes inside <paramref name="quote"/>: only the quote itself (possible in a formerly unquoted value) is escaped.</summary>
    public static void WriteRaw(ReadOnlySpan<byte> raw, byte quote, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int next;
        while ((next = raw.IndexOf(quote)) >= 0)
        {
            output.Write(raw[..next]);
            output.Write(quote == '"' ? "&quot;"u8 : "&#39;"u8);
            raw = raw[(next + 1)..];
        }

        output.Write(raw);
    }

    /// <summary>Decodes the reference after an '&amp;': returns the characters it took (0: the '&amp;' is text), or -1 if it is a name this table lacks.</summary>
    private static int AppendReference(ReadOnlySpan<char> rest, StringBuilder decoded)
    {
        if (rest is ['#', ..])
        {
            return AppendNumeric(rest, decoded);
        }

        var length = 0;
        while (length < rest.Length && char.IsAsciiLetterOrDigit(rest[length]))
        {
            length++;
        }

        if (length is 0 or > LongestEntityName)
        {
            return 0; // no entity has such a name: a browser leaves it as text too
        }

        var name = rest[..length];
        var character = Named(name);
        if (length < rest.Length && rest[length] == ';')
        {
            if (character is null)
            {
                return -1;
            }

            decoded.Append(character);
            return length + 1;
        }

        // Without ';' only legacy names are references, and in attribute values not when '=' follows (so that
        // "?a=1&copy=2" stays a query). Any other name without ';' is text to a browser too.
        if (character is not null && IsLegacy(name, character) && !(length < rest.Length && rest[length] == '='))
        {
            decoded.Append(character);
            return length;
        }

        return 0;
    }

    private static int AppendNumeric(ReadOnlySpan<char> rest, StringBuilder decoded)
    {
        var hex = rest.Length > 1 && (rest[1] | 0x20) == 'x';
        var start = hex ? 2 : 1;
        var end = start;
        var value = 0L;
        while (end < rest.Length && (hex ? char.IsAsciiHexDigit(rest[end]) : char.IsAsciiDigit(rest[end])))
        {
            var digit = char.IsAsciiDigit(rest[end]) ? rest[end] - '0' : (rest[end] | 0x20) - 'a' + 10;
            value = Math.Min((value * (hex ? 16 : 10)) + digit, 0x110000);
            end++;
        }

        if (end == start)
        {
            return 0; // "&#" without digits is text
        }

        decoded.Append(value switch
        {
            0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) => "\uFFFD",
            >= 0x80 and <= 0x9F => Windows1252[(int)value - 0x80].ToString(),
            _ => char.ConvertFromUtf32((int)value),
        });

        // A missing ';' is a parse error, but the reference still counts.
        return end < rest.Length && rest[end] == ';' ? end + 1 : end;
    }

    private static string? Named(ReadOnlySpan<char> name)
    {
        // HTML5's upper-case spellings of legacy names; HTML 4 (and so the table) has only the lower-case ones.
        var key = name is "AMP" or "LT" or "GT" or "QUOT" or "COPY" or "REG" ? name.ToString().ToLowerInvariant() : name.ToString();
        var reference = "&" + key + ";";
        var character = WebUtility.HtmlDecode(reference);
        return character == reference ? null : character;
    }

    private static bool IsLegacy(ReadOnlySpan<char> name, string character) =>
        name is "AMP" or "LT" or "GT" or "QUOT" or "COPY" or "REG"
        || character is [('&' or '<' or '>' or '"' or (>= '\u00A0' and <= '\u00FF'))];
}
