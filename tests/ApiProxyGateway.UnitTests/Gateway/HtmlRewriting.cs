using System.Buffers;
using System.IO.Compression;
using System.Text;
using ApiProxyGateway.Proxy;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>Runs pages through the HTML link rewriter for the tests, as the proxy path of pod demo/web.</summary>
internal static class HtmlRewriting
{
    public const string Prefix = "/api/v1/namespaces/demo/pods/https:web:8443/proxy";

    public static readonly ProxyLinks Links = new(Prefix, "10.1.2.3:8443", "gateway.example:8443");

    public static string Rewrite(string page) => Encoding.UTF8.GetString(Rewrite(Encoding.UTF8.GetBytes(page)));

    /// <summary>The rewritten bytes, the page handed over in pieces of the given sizes (cycled), or whole.</summary>
    public static byte[] Rewrite(byte[] page, IReadOnlyList<int>? pieces = null)
    {
        var output = new ArrayBufferWriter<byte>();
        using var rewriter = new HtmlLinkRewriter(Links);
        var offset = 0;
        for (var k = 0; offset < page.Length; k++)
        {
            var size = pieces is { Count: > 0 } ? Math.Max(1, pieces[k % pieces.Count]) : page.Length;
            var piece = page.AsSpan(offset, Math.Min(size, page.Length - offset));
            rewriter.Rewrite(piece, output);
            offset += piece.Length;
        }

        rewriter.Complete(output);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Compress(byte[] content, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "gzip" ? new GZipStream(output, CompressionLevel.Fastest) : new ZLibStream(output, CompressionLevel.Fastest))
        {
            compressor.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Decompress(byte[] content, string encoding)
    {
        using var input = new MemoryStream(content);
        using Stream decompressor = encoding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Everything the stream returns, read in reads of the given size.</summary>
    public static byte[] ReadAll(Stream stream, int readSize = 64 * 1024)
    {
        using var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
