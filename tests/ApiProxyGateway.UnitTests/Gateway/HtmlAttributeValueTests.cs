using System.Buffers;
using System.Text;
using ApiProxyGateway.Proxy;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>Character references in attribute values, by HTML's rules for attributes (WHATWG §13.2.5.72–80).</summary>
public sealed class HtmlAttributeValueTests
{
    [Theory]
    [InlineData("/plain", "/plain")]
    [InlineData("a & b &", "a & b &")]
    [InlineData("?a=1&amp;b=2", "?a=1&b=2")]
    [InlineData("&amp", "&")] // a legacy name needs no ';' ...
    [InlineData("&amp/", "&/")]
    [InlineData("?x&copy=1", "?x&copy=1")] // ... except before '=' in an attribute
    [InlineData("&ampx", "&ampx")] // ... or before more letters
    [InlineData("&COPY;&copy;&nbsp;&eacute", "\u00a9\u00a9\u00a0\u00e9")]
    [InlineData("&hellip;&hellip", "\u2026&hellip")] // not a legacy name: ';' required
    [InlineData("&#47;&#x2F;&#X2f", "///")]
    [InlineData("&#0;&#xD800;&#x110000;&#99999999999;", "\ufffd\ufffd\ufffd\ufffd")]
    [InlineData("&#128;&#x9F;", "\u20ac\u0178")] // C1 controls mean windows-1252
    [InlineData("&#;&#x;&#xg", "&#;&#x;&#xg")]
    public void Decode_References_AsABrowserReadsThem(string value, string expected) =>
        Assert.Equal(expected, HtmlAttributeValue.Decode(Encoding.UTF8.GetBytes(value)));

    [Theory]
    [InlineData("&sol;docs")] // HTML5 names beyond HTML 4's table
    [InlineData("/a?b&unknownname;")]
    public void Decode_NameTheTableLacks_IsUndecodable(string value) =>
        Assert.Null(HtmlAttributeValue.Decode(Encoding.UTF8.GetBytes(value)));

    [Fact]
    public void Decode_BytesThatAreNotUtf8_AreReadAsLatin1() =>
        Assert.Equal("/caf\u00e9", HtmlAttributeValue.Decode([.. "/caf"u8, 0xE9]));

    [Theory]
    [InlineData("/a?b=1&c=\"2\"", (byte)'"', "/a?b=1&amp;c=&quot;2&quot;")]
    [InlineData("/it's", (byte)'\'', "/it&#39;s")]
    [InlineData("/caf\u00e9/\U0001F600", (byte)'"', "/caf&#xE9;/&#x1F600;")]
    public void Encode_Value_EscapesAmpersandTheQuoteAndNonAscii(string value, byte quote, string expected)
    {
        var output = new ArrayBufferWriter<byte>();

        HtmlAttributeValue.Encode(value, quote, output);

        Assert.Equal(expected, Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
