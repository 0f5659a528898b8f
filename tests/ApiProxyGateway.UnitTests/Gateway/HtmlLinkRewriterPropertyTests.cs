using System.Text;
using ApiProxyGateway.Proxy;
using CsCheck;
using static ApiProxyGateway.UnitTests.Gateway.HtmlRewriting;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>
/// Properties of the streaming rewriter over generated pages: pieces of HTML that exercise the tokenizer's
/// states (URL attributes quoted every way, comments, doctypes, text elements, stray '&lt;', bytes that are not
/// UTF-8) rather than uniformly random bytes, which would hardly ever form a tag.
/// </summary>
public sealed class HtmlLinkRewriterPropertyTests
{
    private static readonly string[] MovedValues = ["/x", "/a/b?q=1&amp;r=2#f", "https://10.1.2.3:8443/abs", "https://gateway.example:8443/h", "&#x2F;e", "/"];

    private static readonly string[] KeptValues =
        ["relative", "//cdn.example/x", "https://other.example/z", Prefix + "/already", "mailto:a@b", "", "a>b", "x'y", "&sol;z", "/&sol;z"];

    private static readonly Gen<byte[]> AnyPage = Page([.. MovedValues, .. KeptValues], latin1Link: true);

    private static readonly Gen<byte[]> PageWithoutRewritableLinks = Page(KeptValues, latin1Link: false);

    [Fact]
    public void Rewrite_AnySplitOfThePage_GivesTheSameBytes()
    {
        Gen.Select(AnyPage, Gen.Int[1, 40].Array[1, 8]).Sample((page, pieces) =>
            Assert.Equal(HtmlRewriting.Rewrite(page), HtmlRewriting.Rewrite(page, pieces)), iter: 500);
    }

    [Fact]
    public void Rewrite_PageWithoutRewritableLinks_IsByteIdentical()
    {
        PageWithoutRewritableLinks.Sample(page => Assert.Equal(page, HtmlRewriting.Rewrite(page)), iter: 500);
    }

    [Fact]
    public void Rewrite_AlreadyRewrittenPage_IsUnchanged()
    {
        AnyPage.Sample(page =>
        {
            var once = HtmlRewriting.Rewrite(page);

            Assert.Equal(once, HtmlRewriting.Rewrite(once));
        }, iter: 500);
    }

    [Fact]
    public void Rewrite_ArbitraryBytes_NeverThrowsAndKeepsTextOutsideTags()
    {
        // Bytes drawn mostly from the characters that move the tokenizer, so that the states are visited.
        var markupByte = Gen.Frequency((3, Gen.OneOf("<>/!-?\"'= \n&#;xXaAhrefsciptSCRIPT"u8.ToArray())), (1, Gen.Byte));
        Gen.Select(markupByte.Array[0, 400], Gen.Int[1, 17].Array[1, 4]).Sample((page, pieces) =>
        {
            var output = HtmlRewriting.Rewrite(page, pieces);

            // Without a '<' nothing can be a tag: the bytes come back as they went.
            if (!page.Contains((byte)'<'))
            {
                Assert.Equal(page, output);
            }
        }, iter: 2000);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public void Stream_CompressedPageReadInTinyPieces_InflatesToTheRewrittenPage(string encoding)
    {
        Gen.Select(AnyPage, Gen.Int[1, 9]).Sample((page, readSize) =>
        {
            using var stream = new HtmlRewritingStream(new TrickleStream(Compress(page, encoding), readSize), encoding, Links);

            Assert.Equal(HtmlRewriting.Rewrite(page), Decompress(ReadAll(stream, readSize), encoding));
        }, iter: 200);
    }

    private static Gen<byte[]> Page(string[] values, bool latin1Link)
    {
        var name = Gen.OneOf("a", "img", "link", "form", "script", "iframe", "video", "object", "div", "p", "base", "blockquote");
        var attribute = Gen.OneOf("href", "src", "action", "cite", "data", "poster", "title", "x");
        var value = Gen.OneOf(values);
        var space = Gen.OneOf(" ", "  ", "\n", "\t", "\r\n");
        var attr = Gen.Select(attribute, Gen.Bool, value, Gen.Int[0, 3], space, (a, upper, v, quoting, s) => s + (upper ? a.ToUpperInvariant() : a) + quoting switch
        {
            0 => $"=\"{v.Replace("\"", "&quot;", StringComparison.Ordinal)}\"",
            1 => $"='{v.Replace("'", "&#39;", StringComparison.Ordinal)}'",
            2 when !v.Any(c => c is ' ' or '>' or '"' or '\'') && v.Length > 0 => $"={v}",
            _ => "",
        });
        var startTag = Gen.Select(name, Gen.Bool, attr.Array[0, 4], Gen.OneOf(">", "/>", " >"), (n, upper, attrs, end) =>
            "<" + (upper ? n.ToUpperInvariant() : n) + string.Concat(attrs) + end);
        var text = Gen.OneOf("hello", " & ", "a < b", "<3", "x > y", "&amp;", "\u00e9t\u00e9", "\u65e5\u672c");
        var piece = Gen.Frequency(
            (6, startTag),
            (3, text),
            (1, name.Select(n => $"</{n}>")),
            (1, Gen.OneOf("<!-- <a href=\"/c\"> -->", "<!-->", "<!--->", "<!-- x --!>", "<!DOCTYPE html>", "<?pi <a href='/pi'>?>", "<!x>", "</>")),
            (1, Gen.OneOf("<script>if (a<b) '<a href=\"/s\">'</script>", "<script><!--<script></script><a href=\"/d\">--></script>", "<style>a[href=\"/st\"]{}</style>", "<textarea><a href=\"/t\"></TEXTAREA>", "<title>t</title >")));
        return Gen.Select(piece.Array[0, 30], Gen.Bool, (pieces, latin1) =>
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(pieces));

            // Now and then bytes that are not UTF-8 (a Latin-1 page), in text and in a link: they must come out unchanged.
            return !latin1 ? bytes : latin1Link ? [.. bytes, 0xE9, .. "<a href=/l"u8, 0xE9, (byte)'>'] : [.. bytes, 0xE9];
        });
    }

    /// <summary>A body that arrives a few bytes at a time, as a slow upstream's does.</summary>
    private sealed class TrickleStream(byte[] content, int readSize) : MemoryStream(content)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));
    }
}
