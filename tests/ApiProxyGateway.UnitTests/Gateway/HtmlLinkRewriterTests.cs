using System.Text;
using static ApiProxyGateway.UnitTests.Gateway.HtmlRewriting;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>
/// Which links the streaming rewriter moves under the proxy path, and where HTML's tokenizer says a tag is and
/// is not. The first cases are kube-apiserver's (apimachinery pkg/util/proxy/transport_test.go) with our target:
/// pod demo/web at 10.1.2.3:8443, reached as gateway.example:8443.
/// </summary>
public sealed class HtmlLinkRewriterTests
{
    [Theory]
    [InlineData( // kube "normal"
        """<pre><a href="kubelet.log">kubelet.log</a><a href="/google.log">google.log</a></pre>""",
        """<pre><a href="kubelet.log">kubelet.log</a><a href="{P}/google.log">google.log</a></pre>""")]
    [InlineData( // kube "full document"
        """<html><header></header><body><pre><a href="kubelet.log">kubelet.log</a><a href="/google.log">google.log</a></pre></body></html>""",
        """<html><header></header><body><pre><a href="kubelet.log">kubelet.log</a><a href="{P}/google.log">google.log</a></pre></body></html>""")]
    [InlineData( // kube "trailing slash"
        """<pre><a href="kubelet.log">kubelet.log</a><a href="/google.log/">google.log</a></pre>""",
        """<pre><a href="kubelet.log">kubelet.log</a><a href="{P}/google.log/">google.log</a></pre>""")]
    [InlineData( // kube "image"
        """<pre><img src="kubernetes.jpg"/><img src="/kubernetes_abs.jpg"/></pre>""",
        """<pre><img src="kubernetes.jpg"/><img src="{P}/kubernetes_abs.jpg"/></pre>""")]
    [InlineData( // kube "abs": another host
        """<script src="http://google.com/kubernetes.js"/>""",
        """<script src="http://google.com/kubernetes.js"/>""")]
    [InlineData( // kube "abs but same host"
        """<script src="http://10.1.2.3:8443/kubernetes.js"/>""",
        """<script src="{P}/kubernetes.js"/>""")]
    [InlineData( // the host the client asked for is the same host too
        """<a href="https://gateway.example:8443/docs?x=1#top">d</a>""",
        """<a href="{P}/docs?x=1#top">d</a>""")]
    [InlineData( // kube "source contains the redirect already"
        """<a href="https://gateway.example:8443/api/v1/namespaces/demo/pods/https:web:8443/proxy/google.log">g</a><a href="/api/v1/namespaces/demo/pods/https:web:8443/proxy/x">x</a>""",
        """<a href="https://gateway.example:8443/api/v1/namespaces/demo/pods/https:web:8443/proxy/google.log">g</a><a href="/api/v1/namespaces/demo/pods/https:web:8443/proxy/x">x</a>""")]
    [InlineData( // kube "no host", "no scheme"
        "<html></html>",
        "<html></html>")]
    [InlineData( // a protocol-relative link is another site
        """<script src="//cdn.example/lib.js"></script><a href="mailto:a@example.com">m</a>""",
        """<script src="//cdn.example/lib.js"></script><a href="mailto:a@example.com">m</a>""")]
    public void Links_KubeApiserverCases_RewrittenAsItDoes(string page, string expected) =>
        Assert.Equal(expected.Replace("{P}", Prefix, StringComparison.Ordinal), Rewrite(page));

    [Theory]
    [InlineData("""<a href="&#x2F;docs">""", """<a href="{P}&#x2F;docs">""")] // decoded it is /docs; the value keeps its own bytes behind the prefix
    [InlineData("""<a href="/q?a=1&amp;b=2">""", """<a href="{P}/q?a=1&amp;b=2">""")]
    [InlineData("""<a href="https&#58;//10.1.2.3:8443/x?a=1&amp;b=2">""", """<a href="{P}/x?a=1&amp;b=2">""")]
    [InlineData("""<a href="&#47;&#47;evil.example/x">""", """<a href="&#47;&#47;evil.example/x">""")] // //evil.example: another site
    [InlineData("""<a href="&sol;docs">""", """<a href="&sol;docs">""")] // an HTML5-only name the table lacks: left as it was
    [InlineData("""<a href="/a?x&copy=1&AMP;y=2">""", """<a href="{P}/a?x&copy=1&AMP;y=2">""")]
    public void Links_CharacterReferences_DecodedBeforeTheRuleDecides(string page, string expected) =>
        Assert.Equal(expected.Replace("{P}", Prefix, StringComparison.Ordinal), Rewrite(page));

    [Theory]
    [InlineData("""<a href=/docs>""", """<a href="{P}/docs">""")]
    [InlineData("""<a href='/docs'>""", """<a href='{P}/docs'>""")]
    [InlineData("""<A HREF="/docs" Title=x>""", """<A HREF="{P}/docs" Title=x>""")]
    [InlineData("<a\nhref\n=\n\"/docs\"\n>", "<a\nhref\n=\n\"{P}/docs\"\n>")]
    [InlineData("""<a href="/docs"title="t">""", """<a href="{P}/docs"title="t">""")]
    [InlineData("""<a href=/x/>""", """<a href="{P}/x/">""")] // the '/' belongs to the unquoted value
    [InlineData("""<a href=/x"y>""", """<a href="{P}/x&quot;y">""")]
    [InlineData("""<a title="a>b" href="/docs">""", """<a title="a>b" href="{P}/docs">""")]
    [InlineData("""<a href="/one" href="/two">""", """<a href="{P}/one" href="/two">""")] // browsers keep the first
    [InlineData("""<a href href="/two">""", """<a href href="/two">""")]
    [InlineData("""<div href="/x"><a src="/x"><img srcset="/x 1x">""", """<div href="/x"><a src="/x"><img srcset="/x 1x">""")]
    [InlineData("""<form action="/submit"><button formaction="/b"><video poster="/p" src="/v">""", """<form action="{P}/submit"><button formaction="{P}/b"><video poster="{P}/p" src="{P}/v">""")]
    public void Attributes_AnyQuotingAndSpacing_OnlyTheValueChanges(string page, string expected) =>
        Assert.Equal(expected.Replace("{P}", Prefix, StringComparison.Ordinal), Rewrite(page));

    [Theory]
    [InlineData("""<!-- <a href="/x"> --><a href="/y">""", """<!-- <a href="/x"> --><a href="{P}/y">""")]
    [InlineData("""<!--><a href="/y">""", """<!--><a href="{P}/y">""")] // an empty comment ends at once
    [InlineData("""<!---><a href="/y">""", """<!---><a href="{P}/y">""")]
    [InlineData("""<!-- x --!><a href="/y">""", """<!-- x --!><a href="{P}/y">""")]
    [InlineData("""<!-- -- > <a href="/x"> --><a href="/y">""", """<!-- -- > <a href="/x"> --><a href="{P}/y">""")]
    [InlineData("""<!DOCTYPE html><?xml version="1.0"?><a href="/y">""", """<!DOCTYPE html><?xml version="1.0"?><a href="{P}/y">""")]
    [InlineData("""<!doctype html "<a href='/x'>"><a href="/y">""", """<!doctype html "<a href='/x'>"><a href="{P}/y">""")] // a doctype ends at its first '>'
    [InlineData("""</p data="<a href='/x'>"><a href="/y">""", """</p data="<a href='/x'>"><a href="{P}/y">""")] // end tags have quoted values too
    [InlineData("""a < b <3 </> <a href="/y">""", """a < b <3 </> <a href="{P}/y">""")]
    public void Markup_CommentsDoctypesAndText_HoldNoTags(string page, string expected) =>
        Assert.Equal(expected.Replace("{P}", Prefix, StringComparison.Ordinal), Rewrite(page));

    [Theory]
    [InlineData("""<script>document.write('<a href="/x">')</script><a href="/y">""", """<script>document.write('<a href="/x">')</script><a href="{P}/y">""")]
    [InlineData("""<SCRIPT>x = "</scriptx>"; '<a href="/x">'</Script ><a href="/y">""", """<SCRIPT>x = "</scriptx>"; '<a href="/x">'</Script ><a href="{P}/y">""")]
    [InlineData("""<script><!--</script><a href="/y">""", """<script><!--</script><a href="{P}/y">""")]
    [InlineData("""<script><!--<script></script><a href="/x">--></script><a href="/y">""", """<script><!--<script></script><a href="/x">--></script><a href="{P}/y">""")]
    [InlineData("""<style>a[href="/x"]{}</style><a href="/y">""", """<style>a[href="/x"]{}</style><a href="{P}/y">""")]
    [InlineData("""<textarea><a href="/x"></textarea><a href="/y">""", """<textarea><a href="/x"></textarea><a href="{P}/y">""")]
    [InlineData("""<title><a href="/x"></title ><a href="/y">""", """<title><a href="/x"></title ><a href="{P}/y">""")]
    [InlineData("""<noscript><a href="/x"></noscript><iframe src="/f"><a href="/x"></iframe><a href="/y">""", """<noscript><a href="/x"></noscript><iframe src="{P}/f"><a href="/x"></iframe><a href="{P}/y">""")]
    [InlineData("""<plaintext><a href="/x"></plaintext><a href="/x">""", """<plaintext><a href="/x"></plaintext><a href="/x">""")]
    [InlineData("""<script src="/app.js"/><a href="/x"></script><a href="/y">""", """<script src="{P}/app.js"/><a href="/x"></script><a href="{P}/y">""")] // '/>' does not close a script
    public void TextElements_ContentUpToTheirEndTag_HoldsNoTags(string page, string expected) =>
        Assert.Equal(expected.Replace("{P}", Prefix, StringComparison.Ordinal), Rewrite(page));

    [Fact]
    public void Tag_LongerThanTheCap_PassesUnrewrittenAndTheNextTagIsRewritten()
    {
        var padding = new string('x', 70_000);
        var page = $"""<a href="/x" data-pad="{padding}"><a href="/y">""";

        Assert.Equal($"""<a href="/x" data-pad="{padding}"><a href="{Prefix}/y">""", Rewrite(page));
    }

    [Fact]
    public void Tag_JustUnderTheCap_IsRewritten()
    {
        var padding = new string('x', 60_000);

        Assert.Equal($"""<a data-pad="{padding}" href="{Prefix}/y">""", Rewrite($"""<a data-pad="{padding}" href="/y">"""));
    }

    [Fact]
    public void Page_InAnotherAsciiCompatibleCharset_KeepsEveryByte()
    {
        // ISO-8859-1 "café" and Shift_JIS "日本" (0x93FA 0x967B): not UTF-8, passed through as bytes.
        byte[] page = [.. "<p>caf"u8, 0xE9, .. "</p><a href=\"/caf"u8, 0xE9, .. "\">"u8, 0x93, 0xFA, 0x96, 0x7B, .. "</a>"u8];
        byte[] expected = [.. "<p>caf"u8, 0xE9, .. Encoding.ASCII.GetBytes($"</p><a href=\"{Prefix}/caf"), 0xE9, .. "\">"u8, 0x93, 0xFA, 0x96, 0x7B, .. "</a>"u8];

        Assert.Equal(expected, HtmlRewriting.Rewrite(page));
    }

    [Fact]
    public void Page_EndingInsideATag_IsWrittenAsItCame()
    {
        Assert.Equal("""<p>text</p><a href="/x" title="unfinished""", Rewrite("""<p>text</p><a href="/x" title="unfinished"""));
        Assert.Equal("<p>text<", Rewrite("<p>text<"));
    }
}
