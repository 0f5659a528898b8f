namespace ApiProxyGateway.Proxy;

/// <summary>The tokenizer states between tags: markup declarations, comments and the text of text elements.</summary>
internal sealed partial class HtmlLinkRewriter
{
    private const string Script = "script";

    /// <summary>The one byte that moves the tokenizer out of a state where every other byte is skipped, if it is such a state.</summary>
    private static byte? Awaited(HtmlTokenizerState state) => state switch
    {
        HtmlTokenizerState.BogusComment => (byte)'>',
        HtmlTokenizerState.Comment => (byte)'-',
        HtmlTokenizerState.RawText or HtmlTokenizerState.ScriptData => (byte)'<',
        _ => null,
    };

    /// <summary>Reads one byte outside tags (a start tag may begin); returns true if it is to be read again in the new state.</summary>
    private bool NextOutsideTags(byte b)
    {
        switch (_state)
        {
            case HtmlTokenizerState.EndTagOpen:
                if (HtmlTagGrammar.IsAsciiLetter(b))
                {
                    StartTag(HtmlTagState.TagName, start: false);
                }
                else
                {
                    _state = b == '>' ? HtmlTokenizerState.Data : HtmlTokenizerState.BogusComment;
                }

                return false;
            case HtmlTokenizerState.MarkupDeclarationOpen or HtmlTokenizerState.MarkupDeclarationDash:
                if (b != '-')
                {
                    _state = HtmlTokenizerState.BogusComment;
                    return true;
                }

                _state = _state == HtmlTokenizerState.MarkupDeclarationOpen ? HtmlTokenizerState.MarkupDeclarationDash : HtmlTokenizerState.CommentStart;
                return false;
            case HtmlTokenizerState.BogusComment:
                _state = b == '>' ? HtmlTokenizerState.Data : _state;
                return false;
            case HtmlTokenizerState.CommentStart or HtmlTokenizerState.CommentStartDash:
                _state = b switch
                {
                    (byte)'-' => _state == HtmlTokenizerState.CommentStart ? HtmlTokenizerState.CommentStartDash : HtmlTokenizerState.CommentEnd,
                    (byte)'>' => HtmlTokenizerState.Data,
                    _ => HtmlTokenizerState.Comment,
                };
                return false;
            case HtmlTokenizerState.Comment or HtmlTokenizerState.CommentEndDash:
                _state = b != '-' ? HtmlTokenizerState.Comment
                    : _state == HtmlTokenizerState.Comment ? HtmlTokenizerState.CommentEndDash : HtmlTokenizerState.CommentEnd;
                return false;
            case HtmlTokenizerState.CommentEnd or HtmlTokenizerState.CommentEndBang:
                _state = b switch
                {
                    (byte)'>' => HtmlTokenizerState.Data,
                    (byte)'-' => _state == HtmlTokenizerState.CommentEnd ? HtmlTokenizerState.CommentEnd : HtmlTokenizerState.CommentEndDash,
                    (byte)'!' when _state == HtmlTokenizerState.CommentEnd => HtmlTokenizerState.CommentEndBang,
                    _ => HtmlTokenizerState.Comment,
                };
                return false;
            case HtmlTokenizerState.RawText:
                _state = b == '<' ? HtmlTokenizerState.RawTextLessThan : _state;
                return false;
            case HtmlTokenizerState.RawTextLessThan:
                return !OpensEndTag(b, HtmlTokenizerState.RawText);
            case HtmlTokenizerState.TextEndTagOpen:
                _state = HtmlTagGrammar.IsAsciiLetter(b) ? HtmlTokenizerState.TextEndTagName : _textState;
                return true;
            case HtmlTokenizerState.TextEndTagName:
                return !EndTagName(b);
            case HtmlTokenizerState.ScriptData:
                _state = b == '<' ? HtmlTokenizerState.ScriptDataLessThan : _state;
                return false;
            case HtmlTokenizerState.ScriptDataLessThan:
                if (b == '!')
                {
                    _state = HtmlTokenizerState.ScriptDataEscapeStart;
                    return false;
                }

                return !OpensEndTag(b, HtmlTokenizerState.ScriptData);
            case HtmlTokenizerState.ScriptDataEscapeStart or HtmlTokenizerState.ScriptDataEscapeStartDash:
                if (b != '-')
                {
                    _state = HtmlTokenizerState.ScriptData;
                    return true;
                }

                _state = _state == HtmlTokenizerState.ScriptDataEscapeStart ? HtmlTokenizerState.ScriptDataEscapeStartDash : HtmlTokenizerState.ScriptDataEscapedDashDash;
                return false;
            case HtmlTokenizerState.ScriptDataEscaped or HtmlTokenizerState.ScriptDataEscapedDash or HtmlTokenizerState.ScriptDataEscapedDashDash:
                _state = EscapedStep(_state, b, HtmlTokenizerState.ScriptDataEscaped);
                return false;
            case HtmlTokenizerState.ScriptDataEscapedLessThan:
                if (HtmlTagGrammar.IsAsciiLetter(b))
                {
                    _matched = 0;
                    _state = HtmlTokenizerState.ScriptDataDoubleEscapeStart;
                    return true;
                }

                return !OpensEndTag(b, HtmlTokenizerState.ScriptDataEscaped);
            case HtmlTokenizerState.ScriptDataDoubleEscapeStart or HtmlTokenizerState.ScriptDataDoubleEscapeEnd:
                return !DoubleEscapeName(b);
            case HtmlTokenizerState.ScriptDataDoubleEscaped or HtmlTokenizerState.ScriptDataDoubleEscapedDash or HtmlTokenizerState.ScriptDataDoubleEscapedDashDash:
                _state = EscapedStep(_state, b, HtmlTokenizerState.ScriptDataDoubleEscaped);
                return false;
            default: // ScriptDataDoubleEscapedLessThan
                if (b != '/')
                {
                    _state = HtmlTokenizerState.ScriptDataDoubleEscaped;
                    return true;
                }

                _matched = 0;
                _state = HtmlTokenizerState.ScriptDataDoubleEscapeEnd;
                return false;
        }
    }

    /// <summary>After '&lt;' in text: '/' may open the element's end tag; returns false if the byte is to be read again as text.</summary>
    private bool OpensEndTag(byte b, HtmlTokenizerState text)
    {
        _textState = text;
        _matched = 0;
        _state = b == '/' ? HtmlTokenizerState.TextEndTagOpen : text;
        return b == '/';
    }

    /// <summary>A byte of a possible end tag in text; returns false if the bytes so far were text after all (this one to be read again).</summary>
    private bool EndTagName(byte b)
    {
        if (HtmlTagGrammar.IsAsciiLetter(b))
        {
            if (Matches(b, _endTagName))
            {
                return true;
            }
        }
        else if (_matched == _endTagName.Length && HtmlTagGrammar.Next(HtmlTagState.TagName, b) is var state && state != HtmlTagState.TagName)
        {
            // "</title", "</script" ... followed by a space, '/' or '>': the end tag, read as any other.
            StartTag(state, start: false);
            _state = state == HtmlTagState.Ended ? HtmlTokenizerState.Data : HtmlTokenizerState.Tag;
            return true;
        }

        _state = _textState;
        return false;
    }

    /// <summary>
    /// "&lt;script" inside an escaped script ("&lt;!--") hides the real end tag until "&lt;/script": the letters after
    /// '&lt;' or '&lt;/' are compared with "script" (a mismatch ends the comparison). Returns false if the byte is to be
    /// read again.
    /// </summary>
    private bool DoubleEscapeName(byte b)
    {
        var (matched, missed) = _state == HtmlTokenizerState.ScriptDataDoubleEscapeStart
            ? (HtmlTokenizerState.ScriptDataDoubleEscaped, HtmlTokenizerState.ScriptDataEscaped)
            : (HtmlTokenizerState.ScriptDataEscaped, HtmlTokenizerState.ScriptDataDoubleEscaped);
        if (HtmlTagGrammar.IsAsciiLetter(b) && Matches(b, Script))
        {
            return true;
        }

        if (HtmlTagGrammar.IsWhitespace(b) || b is (byte)'/' or (byte)'>')
        {
            _state = _matched == Script.Length ? matched : missed;
            return true;
        }

        _state = missed;
        return false;
    }

    /// <summary>Compares the next letter with <paramref name="name"/> (lowercase), ASCII case-insensitively.</summary>
    private bool Matches(byte letter, string name)
    {
        if (_matched < name.Length && (letter | 0x20) == name[_matched])
        {
            _matched++;
            return true;
        }

        return false;
    }

    /// <summary>The escaped and double-escaped script states, which differ only in where their '&lt;' leads.</summary>
    private static HtmlTokenizerState EscapedStep(HtmlTokenizerState state, byte b, HtmlTokenizerState escaped)
    {
        var doubled = escaped == HtmlTokenizerState.ScriptDataDoubleEscaped;
        return b switch
        {
            (byte)'-' when state == escaped => doubled ? HtmlTokenizerState.ScriptDataDoubleEscapedDash : HtmlTokenizerState.ScriptDataEscapedDash,
            (byte)'-' => doubled ? HtmlTokenizerState.ScriptDataDoubleEscapedDashDash : HtmlTokenizerState.ScriptDataEscapedDashDash,
            (byte)'<' => doubled ? HtmlTokenizerState.ScriptDataDoubleEscapedLessThan : HtmlTokenizerState.ScriptDataEscapedLessThan,
            (byte)'>' when state is HtmlTokenizerState.ScriptDataEscapedDashDash or HtmlTokenizerState.ScriptDataDoubleEscapedDashDash => HtmlTokenizerState.ScriptData,
            _ => escaped,
        };
    }
}
