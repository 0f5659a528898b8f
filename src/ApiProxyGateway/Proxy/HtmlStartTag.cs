using System.Buffers;
using System.Text;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Writes one complete start tag (<c>&lt;</c> to <c>&gt;</c>) with its URL attributes moved under the proxy path.
/// Everything but a rewritten value is written as it came; a rewritten value keeps its quotes (an unquoted one
/// gets double quotes).
/// </summary>
internal static class HtmlStartTag
{
    public static void Write(ReadOnlySpan<byte> tag, string[] urlAttributes, ProxyLinks links, IBufferWriter<byte> output)
    {
        // Walk the tag with the same grammar that found its end, noting where each attribute's name and value are.
        // Browsers keep only the first of two attributes with one name, so only a first occurrence is rewritten.
        var written = 0;
        var seen = 0;
        var candidate = -1;
        int nameStart = 0, valueStart = 0;
        byte quote = 0;
        var state = HtmlTagState.TagName;
        for (var i = 2; i < tag.Length; i++)
        {
            var next = HtmlTagGrammar.Next(state, tag[i]);
            if (next == HtmlTagState.AttributeName && state != HtmlTagState.AttributeName)
            {
                nameStart = i;
            }
            else if (state == HtmlTagState.AttributeName && next != HtmlTagState.AttributeName)
            {
                candidate = FirstUrlAttribute(tag[nameStart..i], urlAttributes, ref seen);
            }
            else if (state == HtmlTagState.BeforeAttributeValue && next is not (HtmlTagState.BeforeAttributeValue or HtmlTagState.Ended))
            {
                quote = next == HtmlTagState.AttributeValueUnquoted ? (byte)0 : tag[i];
                valueStart = quote == 0 ? i : i + 1;
            }
            else if (candidate >= 0 && ValueEnds(state, next))
            {
                if (TryRewrite(tag[valueStart..i], quote, links, tag[written..valueStart], output))
                {
                    written = i;
                }

                candidate = -1;
            }

            state = next;
        }

        output.Write(tag[written..]);
    }

    private static bool ValueEnds(HtmlTagState state, HtmlTagState next) => state switch
    {
        HtmlTagState.AttributeValueDoubleQuoted or HtmlTagState.AttributeValueSingleQuoted => next == HtmlTagState.AfterAttributeValueQuoted,
        HtmlTagState.AttributeValueUnquoted => next != HtmlTagState.AttributeValueUnquoted,
        _ => false,
    };

    /// <summary>The index of the attribute among the element's URL attributes if this is its first occurrence; else -1.</summary>
    private static int FirstUrlAttribute(ReadOnlySpan<byte> name, string[] urlAttributes, ref int seen)
    {
        for (var k = 0; k < urlAttributes.Length; k++)
        {
            if (Ascii.EqualsIgnoreCase(name, urlAttributes[k]))
            {
                var first = (seen & (1 << k)) == 0;
                seen |= 1 << k;
                return first ? k : -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// Writes the new value (with quotes, for an unquoted one) if the link rule moves it; returns false to leave it.
    /// The value is decoded before the rule decides, as a browser reads it. When the rule only puts a prefix in
    /// front (a path on the target), the prefix is followed by the value's own bytes, so its character references
    /// and its bytes in the page's charset stay exactly as they were.
    /// </summary>
    private static bool TryRewrite(ReadOnlySpan<byte> raw, byte quote, ProxyLinks links, ReadOnlySpan<byte> before, IBufferWriter<byte> output)
    {
        if (HtmlAttributeValue.Decode(raw) is not { } decoded || links.Rewrite(decoded) is not { } rewritten)
        {
            return false;
        }

        output.Write(before);
        var quoted = quote == 0 ? (byte)'"' : quote;
        if (quote == 0)
        {
            output.Write([quoted]);
        }

        if (rewritten.EndsWith(decoded, StringComparison.Ordinal))
        {
            HtmlAttributeValue.Encode(rewritten.AsSpan(0, rewritten.Length - decoded.Length), quoted, output);
            HtmlAttributeValue.WriteRaw(raw, quoted, output);
        }
        else
        {
            HtmlAttributeValue.Encode(rewritten, quoted, output);
        }

        if (quote == 0)
        {
            output.Write([quoted]);
        }

        return true;
    }
}
