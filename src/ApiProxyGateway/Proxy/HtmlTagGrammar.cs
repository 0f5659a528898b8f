namespace ApiProxyGateway.Proxy;

/// <summary>
/// One step of the WHATWG tokenizer inside a tag: the state after one more byte. "Reconsume in state X" is
/// folded in, so the result is the state the byte itself belongs to. Character references, NUL replacement and
/// name lowercasing do not move boundaries and are left out. The streaming rewriter uses this to find where a
/// tag ends and <see cref="HtmlStartTag"/> to find its attributes, so both always agree.
/// </summary>
internal static class HtmlTagGrammar
{
    public static HtmlTagState Next(HtmlTagState state, byte b) => state switch
    {
        HtmlTagState.TagName => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.BeforeAttributeName,
            (byte)'/' => HtmlTagState.SelfClosingStartTag,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.TagName,
        },

        // '=' here starts an attribute whose name begins with '=' (a parse error browsers accept).
        HtmlTagState.BeforeAttributeName => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.BeforeAttributeName,
            (byte)'/' => HtmlTagState.SelfClosingStartTag,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.AttributeName,
        },
        HtmlTagState.AttributeName => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.AfterAttributeName,
            (byte)'/' => HtmlTagState.SelfClosingStartTag,
            (byte)'>' => HtmlTagState.Ended,
            (byte)'=' => HtmlTagState.BeforeAttributeValue,
            _ => HtmlTagState.AttributeName,
        },
        HtmlTagState.AfterAttributeName => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.AfterAttributeName,
            (byte)'/' => HtmlTagState.SelfClosingStartTag,
            (byte)'=' => HtmlTagState.BeforeAttributeValue,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.AttributeName,
        },
        HtmlTagState.BeforeAttributeValue => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.BeforeAttributeValue,
            (byte)'"' => HtmlTagState.AttributeValueDoubleQuoted,
            (byte)'\'' => HtmlTagState.AttributeValueSingleQuoted,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.AttributeValueUnquoted,
        },
        HtmlTagState.AttributeValueDoubleQuoted => b == '"' ? HtmlTagState.AfterAttributeValueQuoted : state,
        HtmlTagState.AttributeValueSingleQuoted => b == '\'' ? HtmlTagState.AfterAttributeValueQuoted : state,
        HtmlTagState.AttributeValueUnquoted => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.BeforeAttributeName,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.AttributeValueUnquoted,
        },

        // A missing space before the next attribute (a="x"b) is a parse error browsers accept.
        HtmlTagState.AfterAttributeValueQuoted => b switch
        {
            _ when IsWhitespace(b) => HtmlTagState.BeforeAttributeName,
            (byte)'/' => HtmlTagState.SelfClosingStartTag,
            (byte)'>' => HtmlTagState.Ended,
            _ => HtmlTagState.AttributeName,
        },
        HtmlTagState.SelfClosingStartTag => b == '>' ? HtmlTagState.Ended : Next(HtmlTagState.BeforeAttributeName, b),
        _ => HtmlTagState.Ended,
    };

    /// <summary>HTML's whitespace; CR counts because the input stream turns it into LF before tokenizing.</summary>
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\f' or (byte)'\r';

    public static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';
}
