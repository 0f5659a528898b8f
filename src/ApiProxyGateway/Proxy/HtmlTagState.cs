namespace ApiProxyGateway.Proxy;

/// <summary>
/// Where the HTML tokenizer is inside a tag, named after the WHATWG tokenizer states (§13.2.5.8 onwards) that
/// decide where attributes, their values and the tag itself end.
/// </summary>
internal enum HtmlTagState : byte
{
    TagName,
    BeforeAttributeName,
    AttributeName,
    AfterAttributeName,
    BeforeAttributeValue,
    AttributeValueDoubleQuoted,
    AttributeValueSingleQuoted,
    AttributeValueUnquoted,
    AfterAttributeValueQuoted,
    SelfClosingStartTag,

    /// <summary>The <c>&gt;</c> that closes the tag has been read.</summary>
    Ended,
}
