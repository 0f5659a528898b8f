using System.IO.Compression;
using System.Text;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Sandbox.Workloads;
using ApiProxyGateway.Tests.Support;
using static ApiProxyGateway.UnitTests.Gateway.HtmlRewriting;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class HtmlRewritingStreamTests
{
    /// <summary>
    /// The security finding: a 48 KB-class gzip page inflating to 48 MiB made the DOM rewriter allocate about
    /// 900 MB. Streaming, the bytes allocated stay under a constant; everything here runs synchronously on this
    /// thread, so the thread's allocation counter sees all of it (the test's own inflating and hashing included).
    /// </summary>
    [Fact]
    public void GzipBomb_48MiB_AllocatesUnderAConstantAndInflatesToTheRewrittenPage()
    {
        const int Megabytes = 48;
        const long Budget = 4L * 1024 * 1024;
        byte[] bomb;
        using (var compressed = new MemoryStream())
        {
            using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                GzipBombPage.Write(gzip, Megabytes, "");
            }

            bomb = compressed.ToArray();
        }

        using var expectedHash = new HashingStream();
        GzipBombPage.Write(expectedHash, Megabytes, Prefix);
        var expectedLength = expectedHash.Length;
        var expected = expectedHash.Finish();
        InflateRewritten(HtmlRewriting.Compress("<a href=\"/warm\">"u8.ToArray(), "gzip")); // one-time type and table initialization

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (hash, length) = InflateRewritten(bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expectedLength, length);
        Assert.Equal(GzipBombPage.Length(Megabytes, Prefix), length);
        Assert.Equal(expected, hash);
        Assert.True(allocated < Budget, $"rewriting a {bomb.Length}-byte gzip page of {Megabytes} MiB allocated {allocated} bytes (budget {Budget})");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public void Stream_KubeApiserverBodies_ComeBackInTheSameEncoding(string encoding)
    {
        // kube-apiserver's TestRewriteResponse bodies: short, and longer than one compression window.
        foreach (var body in new[] { "short body test", string.Concat(Enumerable.Repeat("long body test", 4097)) })
        {
            using var stream = new HtmlRewritingStream(new MemoryStream(Compress(Encoding.UTF8.GetBytes(body), encoding)), encoding, Links);

            Assert.Equal(body, Encoding.UTF8.GetString(Decompress(ReadAll(stream), encoding)));
        }
    }

    [Fact]
    public void Stream_CorruptGzip_FailsTheRead()
    {
        using var stream = new HtmlRewritingStream(new MemoryStream("<html>not gzip</html>"u8.ToArray()), "gzip", Links);

        Assert.Throws<InvalidDataException>(() => ReadAll(stream));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("identity", true)]
    [InlineData("gzip", true)]
    [InlineData("DEFLATE", true)]
    [InlineData("br", false)]
    [InlineData("compress", false)]
    public void CanRewrite_ContentEncoding_IsKubeApiserversSet(string? encoding, bool expected) =>
        Assert.Equal(expected, HtmlRewritingStream.CanRewrite(encoding));

    private static (string Hash, long Length) InflateRewritten(byte[] gzipPage)
    {
        using var rewriting = new HtmlRewritingStream(new MemoryStream(gzipPage), "gzip", Links);
        using var inflating = new GZipStream(rewriting, CompressionMode.Decompress);
        using var hash = new HashingStream();
        inflating.CopyTo(hash, 64 * 1024);
        var length = hash.Length;
        return (hash.Finish(), length);
    }
}
