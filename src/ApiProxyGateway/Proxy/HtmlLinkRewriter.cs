using System.IO.Compression;
using System.Text;
using HtmlAgilityPack;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Rewrites the links of an HTML page (the URL attributes kube-apiserver rewrites) so a proxied web UI keeps
/// working under the proxy path. gzip and deflate bodies are decoded and re-encoded; the rest of the markup is
/// written back as it was read. CSS and scripts are not rewritten, as in kube-apiserver.
/// </summary>
internal static class HtmlLinkRewriter
{
    private static readonly Dictionary<string, string[]> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = ["href"], ["applet"] = ["codebase"], ["area"] = ["href"], ["audio"] = ["src"], ["base"] = ["href"],
        ["blockquote"] = ["cite"], ["body"] = ["background"], ["button"] = ["formaction"], ["command"] = ["icon"],
        ["del"] = ["cite"], ["embed"] = ["src"], ["form"] = ["action"], ["frame"] = ["longdesc", "src"],
        ["head"] = ["profile"], ["html"] = ["manifest"], ["iframe"] = ["longdesc", "src"], ["img"] = ["longdesc", "src", "usemap"],
        ["input"] = ["src", "usemap", "formaction"], ["ins"] = ["cite"], ["link"] = ["href"],
        ["object"] = ["classid", "codebase", "data", "usemap"], ["q"] = ["cite"], ["script"] = ["src"], ["source"] = ["src"],
        ["video"] = ["poster", "src"],
    };

    public static bool CanRewrite(string? contentEncoding) => contentEncoding is null or "" or "identity" or "gzip" or "deflate";

    /// <summary>Returns the body with rewritten links, in the same content encoding.</summary>
    public static byte[] Rewrite(byte[] encoded, string? contentEncoding, ProxyLinks links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var html = Decode(encoded, contentEncoding);
        var document = new HtmlDocument { OptionOutputOriginalCase = true, OptionWriteEmptyNodes = false };
        document.LoadHtml(html);
        foreach (var node in document.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
        {
            if (!UrlAttributes.TryGetValue(node.Name, out var attributes))
            {
                continue;
            }

            foreach (var attribute in node.Attributes.Where(a => attributes.Contains(a.Name, StringComparer.OrdinalIgnoreCase)))
            {
                if (links.Rewrite(attribute.DeEntitizeValue ?? "") is { } rewritten)
                {
                    attribute.Value = rewritten;
                }
            }
        }

        return Encode(document.DocumentNode.OuterHtml, contentEncoding);
    }

    private static string Decode(byte[] body, string? encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decoded = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            _ => input,
        };
        using var reader = new StreamReader(decoded, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static byte[] Encode(string html, string? encoding)
    {
        var bytes = Encoding.UTF8.GetBytes(html);
        if (encoding is not ("gzip" or "deflate"))
        {
            return bytes;
        }

        using var output = new MemoryStream();
        using (Stream compressor = encoding == "gzip" ? new GZipStream(output, CompressionLevel.Fastest) : new ZLibStream(output, CompressionLevel.Fastest))
        {
            compressor.Write(bytes);
        }

        return output.ToArray();
    }
}
