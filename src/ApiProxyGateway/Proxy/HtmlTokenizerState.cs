namespace ApiProxyGateway.Proxy;

/// <summary>
/// The WHATWG tokenizer states (§13.2.5) the streaming rewriter tracks outside tags: the ones that decide
/// whether a <c>&lt;</c> starts a tag. Inside a tag, <see cref="HtmlTagState"/> takes over.
/// </summary>
internal enum HtmlTokenizerState : byte
{
    Data,
    TagOpen,
    EndTagOpen,
    MarkupDeclarationOpen,
    MarkupDeclarationDash,

    /// <summary>Also doctypes, processing instructions and CDATA outside foreign content: all end at the first <c>&gt;</c>.</summary>
    BogusComment,
    CommentStart,
    CommentStartDash,
    Comment,
    CommentEndDash,
    CommentEnd,
    CommentEndBang,

    /// <summary>Inside a start or end tag; <see cref="HtmlTagState"/> says where.</summary>
    Tag,

    /// <summary>RAWTEXT and RCDATA: text up to the matching end tag.</summary>
    RawText,
    RawTextLessThan,

    /// <summary>After <c>&lt;/</c> in text: the end tag name follows, or the bytes were text after all.</summary>
    TextEndTagOpen,
    TextEndTagName,
    ScriptData,
    ScriptDataLessThan,
    ScriptDataEscapeStart,
    ScriptDataEscapeStartDash,
    ScriptDataEscaped,
    ScriptDataEscapedDash,
    ScriptDataEscapedDashDash,
    ScriptDataEscapedLessThan,
    ScriptDataDoubleEscapeStart,
    ScriptDataDoubleEscaped,
    ScriptDataDoubleEscapedDash,
    ScriptDataDoubleEscapedDashDash,
    ScriptDataDoubleEscapedLessThan,
    ScriptDataDoubleEscapeEnd,

    /// <summary>After <c>&lt;plaintext&gt;</c>: the rest of the document is text.</summary>
    PlainText,
}
