using System.Collections.Frozen;
using System.Text;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// What the rewriter needs to know about elements, looked up from the raw bytes of a tag name without allocating:
/// which attributes hold URLs (kube-apiserver's <c>atomsToAttrs</c>), and which elements' content is text in
/// which no tag starts (the tokenizer's RAWTEXT, RCDATA, script data and PLAINTEXT).
/// </summary>
internal static class HtmlElements
{
    private const int LongestName = 10; // "blockquote"

    private static readonly FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> UrlAttributes = new Dictionary<string, string[]>
    {
        ["a"] = ["href"], ["applet"] = ["codebase"], ["area"] = ["href"], ["audio"] = ["src"], ["base"] = ["href"],
        ["blockquote"] = ["cite"], ["body"] = ["background"], ["button"] = ["formaction"], ["command"] = ["icon"],
        ["del"] = ["cite"], ["embed"] = ["src"], ["form"] = ["action"], ["frame"] = ["longdesc", "src"],
        ["head"] = ["profile"], ["html"] = ["manifest"], ["iframe"] = ["longdesc", "src"], ["img"] = ["longdesc", "src", "usemap"],
        ["input"] = ["src", "usemap", "formaction"], ["ins"] = ["cite"], ["link"] = ["href"],
        ["object"] = ["classid", "codebase", "data", "usemap"], ["q"] = ["cite"], ["script"] = ["src"], ["source"] = ["src"],
        ["video"] = ["poster", "src"],
    }.ToFrozenDictionary().GetAlternateLookup<ReadOnlySpan<char>>();

    // The elements golang.org/x/net/html's tokenizer (and a browser with scripting on) reads as text up to their
    // end tag. RCDATA (title, textarea) differs from RAWTEXT only in character references, which move no boundary.
    private static readonly FrozenDictionary<string, (HtmlTokenizerState State, string Name)>.AlternateLookup<ReadOnlySpan<char>> TextElements =
        new (string Name, HtmlTokenizerState State)[]
        {
            ("iframe", HtmlTokenizerState.RawText), ("noembed", HtmlTokenizerState.RawText), ("noframes", HtmlTokenizerState.RawText),
            ("noscript", HtmlTokenizerState.RawText), ("style", HtmlTokenizerState.RawText), ("xmp", HtmlTokenizerState.RawText),
            ("textarea", HtmlTokenizerState.RawText), ("title", HtmlTokenizerState.RawText),
            ("script", HtmlTokenizerState.ScriptData), ("plaintext", HtmlTokenizerState.PlainText),
        }.ToFrozenDictionary(e => e.Name, e => (e.State, e.Name)).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The URL attributes of the element, or null when none of its attributes is rewritten.</summary>
    public static string[]? UrlAttributesOf(ReadOnlySpan<byte> name)
    {
        Span<char> lower = stackalloc char[LongestName];
        return ToLower(name, lower) is { IsEmpty: false } key && UrlAttributes.TryGetValue(key, out var attributes) ? attributes : null;
    }

    /// <summary>
    /// The state after the element's start tag: <see cref="HtmlTokenizerState.Data"/> for ordinary elements, or a
    /// text state with the end tag name that leaves it.
    /// </summary>
    public static HtmlTokenizerState StateAfter(ReadOnlySpan<byte> name, out string endTagName)
    {
        Span<char> lower = stackalloc char[LongestName];
        if (ToLower(name, lower) is { IsEmpty: false } key && TextElements.TryGetValue(key, out var element))
        {
            endTagName = element.Name;
            return element.State;
        }

        endTagName = "";
        return HtmlTokenizerState.Data;
    }

    private static ReadOnlySpan<char> ToLower(ReadOnlySpan<byte> name, Span<char> buffer) =>
        name.Length <= buffer.Length && Ascii.ToLower(name, buffer, out var written) == System.Buffers.OperationStatus.Done ? buffer[..written] : [];
}
