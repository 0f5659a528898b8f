using System.Buffers;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Rewrites the links of an HTML page as it streams through, in memory bounded by a constant whatever the page:
/// the URL attributes kube-apiserver rewrites (<see cref="HtmlElements"/>) are moved under the proxy path by
/// <see cref="ProxyLinks"/>; every other byte is written as it came. CSS and scripts are not rewritten, as in
/// kube-apiserver.
/// </summary>
/// <remarks>
/// Hand-written because no .NET library tokenizes HTML as a stream of bytes: HtmlAgilityPack and AngleSharp
/// build a DOM and hold the whole decoded page (the decompression bomb this replaces), and they write back
/// re-serialized text rather than the original bytes. Working on bytes keeps any ASCII-compatible charset intact.
/// <para>
/// The tokenizer follows the WHATWG states that decide where tags are: comments (including <c>&lt;!--&gt;</c>
/// and <c>--!&gt;</c>), doctypes and other bogus comments, raw text, RCDATA and script data (with its escaped and
/// double-escaped states) whose content holds no tags, PLAINTEXT, and quoted and unquoted attribute values.
/// It deliberately has no tree construction: foreign content (SVG, MathML) and CDATA sections are read as HTML
/// is, as golang.org/x/net/html's tokenizer (the one kube-apiserver uses) reads them.
/// </para>
/// <para>
/// Only a start tag is held, until its <c>&gt;</c>, so its attributes can be rewritten. A tag longer than
/// <see cref="MaxTagBytes"/> is passed through unrewritten: no input makes the buffer grow.
/// </para>
/// </remarks>
internal sealed partial class HtmlLinkRewriter(ProxyLinks links) : IDisposable
{
    public const int MaxTagBytes = 64 * 1024;

    private byte[] _tag = ArrayPool<byte>.Shared.Rent(MaxTagBytes);
    private int _tagLength;
    private bool _buffering;
    private HtmlTokenizerState _state;
    private HtmlTagState _tagState;
    private bool _startTag;
    private string[]? _urlAttributes;

    // The state the current start tag leads to (text elements), the end tag name that leaves that text, where a
    // failed end tag in text returns to, and how many letters of an expected name have matched.
    private HtmlTokenizerState _afterTag;
    private string _endTagName = "";
    private HtmlTokenizerState _textState;
    private int _matched;

    /// <summary>Writes the rewritten form of the next bytes of the page; a start tag not yet complete is held back.</summary>
    public void Rewrite(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_tag.Length == 0, this);
        ArgumentNullException.ThrowIfNull(output);

        // Bytes from `run` on are passed through unless a start tag is being held in _tag. Each byte is read in the
        // current state; "goto Reconsume" reads it again in the state it led to, as the WHATWG tokenizer does.
        var run = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (_buffering)
            {
                if (_tagLength == MaxTagBytes)
                {
                    // Too long to hold: the tag goes out unrewritten, its rest passed through as it comes.
                    output.Write(_tag.AsSpan(0, _tagLength));
                    _buffering = false;
                    run = i;
                }
                else
                {
                    _tag[_tagLength++] = b;
                }
            }

        Reconsume:
            switch (_state)
            {
                case HtmlTokenizerState.Data:
                    var open = input[i..].IndexOf((byte)'<');
                    if (open < 0)
                    {
                        i = input.Length - 1;
                        break;
                    }

                    i += open;
                    output.Write(input[run..i]);
                    _tag[0] = (byte)'<';
                    _tagLength = 1;
                    _buffering = true;
                    _state = HtmlTokenizerState.TagOpen;
                    break;
                case HtmlTokenizerState.TagOpen:
                    if (HtmlTagGrammar.IsAsciiLetter(b))
                    {
                        StartTag(HtmlTagState.TagName, start: true);
                        break;
                    }

                    // Not a start tag: the '<' goes out as it came, and this byte is read again outside any tag.
                    output.Write(_tag.AsSpan(0, _tagLength - 1));
                    _buffering = false;
                    run = i;
                    _state = b switch
                    {
                        (byte)'!' => HtmlTokenizerState.MarkupDeclarationOpen,
                        (byte)'/' => HtmlTokenizerState.EndTagOpen,
                        (byte)'?' => HtmlTokenizerState.BogusComment,
                        _ => HtmlTokenizerState.Data,
                    };
                    if (_state == HtmlTokenizerState.Data)
                    {
                        goto Reconsume;
                    }

                    break;
                case HtmlTokenizerState.Tag:
                    var next = HtmlTagGrammar.Next(_tagState, b);
                    if (_startTag && _tagState == HtmlTagState.TagName && next != HtmlTagState.TagName)
                    {
                        NameEnded();
                    }

                    _tagState = next;
                    if (next == HtmlTagState.Ended && TagEnded(output))
                    {
                        run = i + 1;
                    }

                    break;
                case HtmlTokenizerState.PlainText: // the rest of the page is text
                    i = input.Length - 1;
                    break;
                default:
                    // In comments and text only one byte value moves the tokenizer on: skip to it.
                    if (Awaited(_state) is { } awaited && b != awaited)
                    {
                        var found = input[i..].IndexOf(awaited);
                        if (found < 0)
                        {
                            i = input.Length - 1;
                            break;
                        }

                        i += found;
                        b = awaited;
                    }

                    if (NextOutsideTags(b))
                    {
                        goto Reconsume;
                    }

                    break;
            }
        }

        if (!_buffering)
        {
            output.Write(input[run..]);
        }
    }

    /// <summary>The page has ended: a tag still held is written as it came.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_buffering)
        {
            output.Write(_tag.AsSpan(0, _tagLength));
            _buffering = false;
        }
    }

    public void Dispose()
    {
        if (_tag.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_tag);
            _tag = [];
        }
    }

    private void StartTag(HtmlTagState state, bool start)
    {
        _state = HtmlTokenizerState.Tag;
        _tagState = state;
        _startTag = start;
        _urlAttributes = null;
        _afterTag = HtmlTokenizerState.Data;
    }

    /// <summary>A start tag's name is complete: it says which attributes to rewrite and what follows the tag.</summary>
    private void NameEnded()
    {
        // A name that did not fit in the buffer is no element either table knows.
        if (_buffering)
        {
            var name = _tag.AsSpan(1, _tagLength - 2);
            _urlAttributes = HtmlElements.UrlAttributesOf(name);
            _afterTag = HtmlElements.StateAfter(name, out _endTagName);
        }
    }

    /// <summary>A tag is complete; returns true if it was held and has now been written.</summary>
    private bool TagEnded(IBufferWriter<byte> output)
    {
        _state = _startTag ? _afterTag : HtmlTokenizerState.Data;
        if (!_buffering)
        {
            return false;
        }

        if (_urlAttributes is null)
        {
            output.Write(_tag.AsSpan(0, _tagLength));
        }
        else
        {
            HtmlStartTag.Write(_tag.AsSpan(0, _tagLength), _urlAttributes, links, output);
        }

        _buffering = false;
        return true;
    }
}
