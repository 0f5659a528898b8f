using System.IO.Compression;
using System.Net;
using System.Text;
using ApiProxyGateway.Proxy;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ProxyTests
{
    private static readonly ProxyLinks Links = new("/api/v1/namespaces/demo/pods/https:web:8443/proxy", "10.1.2.3:8443", "gateway.example:8443");

    [Theory]
    [InlineData("web", "", "web", "")]
    [InlineData("web:8443", "", "web", "8443")]
    [InlineData("https:web:https", "https", "web", "https")]
    [InlineData("http:web:", "http", "web", "")]
    public void TargetName_ValidForms_Split(string segment, string scheme, string name, string port) =>
        Assert.Equal(new ProxyTargetName(scheme, name, port), ProxyTargetName.Parse(segment));

    [Theory]
    [InlineData("ftp:web:21")]
    [InlineData(":8443")]
    [InlineData("a:b:c:d")]
    [InlineData("https::443")]
    public void TargetName_InvalidForms_AreRejected(string segment) => Assert.Null(ProxyTargetName.Parse(segment));

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("169.254.169.254", "a link-local address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address (127.0.0.1 encoded in ::ffff:127.0.0.1)")]
    [InlineData("::ffff:169.254.169.254", "a link-local address (169.254.169.254 encoded in ::ffff:169.254.169.254)")]
    [InlineData("::127.0.0.1", "a loopback address (127.0.0.1 encoded in ::127.0.0.1)")]
    [InlineData("2002:7f00:1::", "a loopback address (127.0.0.1 encoded in 2002:7f00:1::)")]
    [InlineData("64:ff9b::a9fe:a9fe", "a link-local address (169.254.169.254 encoded in 64:ff9b::a9fe:a9fe)")]
    public void Egress_NonGlobalUnicastInAnyForm_IsRefused(string address, string reason)
    {
        var policy = new EgressPolicy(Options.Create(new ProxyOptions()));

        Assert.Equal(reason, policy.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.5")]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8::5")]
    public void Egress_GlobalUnicast_IsAllowed(string address) =>
        Assert.Null(new EgressPolicy(Options.Create(new ProxyOptions())).Refusal(IPAddress.Parse(address)));

    [Fact]
    public void Egress_AllowedNetwork_AdmitsLoopbackOnlyThere()
    {
        var policy = new EgressPolicy(Options.Create(new ProxyOptions { AllowedNetworks = ["127.10.0.0/16"] }));

        Assert.Null(policy.Refusal(IPAddress.Parse("127.10.11.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:127.10.11.1")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("127.0.0.1")));
    }

    [Theory]
    [InlineData("/login", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/login")]
    [InlineData("/a/b/?x=1#top", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/a/b/?x=1#top")]
    [InlineData("https://10.1.2.3:8443/x", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/x")]
    [InlineData("https://gateway.example:8443/y", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/y")]
    [InlineData("relative/link", null)]
    [InlineData("//cdn.example/lib.js", null)]
    [InlineData("https://other.example/z", null)]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:8443/proxy/already", null)]
    [InlineData("mailto:someone@example.com", null)]
    [InlineData("https://user@10.1.2.3:8443/u", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/u")]
    [InlineData("https://10.1.2.3/x", null)] // another host as written (Go compares url.Host)
    [InlineData("https://10.1.2.30:8443/x", null)]
    public void Links_SameHostAbsolutePaths_MoveUnderTheProxyPath(string link, string? expected) =>
        Assert.Equal(expected, Links.Rewrite(link));

    /// <summary>Review finding: hosts were compared as <see cref="Uri.Authority"/>, which drops a default port and keeps IPv6 brackets, against an unbracketed address.</summary>
    [Theory]
    [InlineData("10.1.2.3:443", "https://10.1.2.3:443/x", "/p/x")]
    [InlineData("10.1.2.3:80", "http://10.1.2.3:80/x?q#f", "/p/x?q#f")]
    [InlineData("[fd00::7]:8443", "https://[fd00::7]:8443/x", "/p/x")]
    [InlineData("[fd00::7]:8443", "https://[fd00::8]:8443/x", null)]
    [InlineData("10.1.2.3", "http://10.1.2.3/x", "/p/x")] // a pod named without a port: its location host has none
    [InlineData("10.1.2.3", "http://10.1.2.3:80/x", null)]
    public void Links_TargetHostAsItsLocationHasIt_IsTheTarget(string targetAuthority, string link, string? expected) =>
        Assert.Equal(expected, new ProxyLinks("/p", targetAuthority, "gateway.example:8443").Rewrite(link));

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public void Html_Links_AreRewrittenAndTheRestKept(string? encoding)
    {
        const string page = "<!DOCTYPE html>\n<html><head><link href=\"/style.css\" rel=stylesheet><script src='/app.js'></script></head>" +
            "<body><a href=\"/docs\">Docs</a> <a href=\"relative\">R</a> <img src=\"https://cdn.example/x.png\"><form action=\"/submit\"></form>" +
            "<!-- <a href=\"/commented\"> --><p>text &amp; more</p></body></html>";

        using var rewriting = new HtmlRewritingStream(new MemoryStream(Encode(page, encoding)), encoding, Links);
        using var rewritten = new MemoryStream();
        rewriting.CopyTo(rewritten);
        var output = Decode(rewritten.ToArray(), encoding);

        Assert.Equal(page
            .Replace("href=\"/style.css\"", "href=\"/api/v1/namespaces/demo/pods/https:web:8443/proxy/style.css\"", StringComparison.Ordinal)
            .Replace("src='/app.js'", "src='/api/v1/namespaces/demo/pods/https:web:8443/proxy/app.js'", StringComparison.Ordinal)
            .Replace("href=\"/docs\"", "href=\"/api/v1/namespaces/demo/pods/https:web:8443/proxy/docs\"", StringComparison.Ordinal)
            .Replace("action=\"/submit\"", "action=\"/api/v1/namespaces/demo/pods/https:web:8443/proxy/submit\"", StringComparison.Ordinal), output);
    }

    [Theory]
    [InlineData("/exec/demo/web/web", true)]
    [InlineData("/attach/demo/web/web?stdin=1", true)]
    [InlineData("/portForward/demo/web", true)]
    [InlineData("/run/demo/web/web", true)]
    [InlineData("/containerLogs/demo/web/web", true)]
    [InlineData("/stats/summary", false)]
    [InlineData("/pods", false)]
    public void KubeletPath_StreamingEndpoints_AreRecognised(string path, bool streaming) =>
        Assert.Equal(streaming, KubeletPathAuthorization.IsStreamingEndpoint(path));

    [Theory]
    [InlineData("/stats/summary", "stats")]
    [InlineData("/metrics/cadvisor", "metrics")]
    [InlineData("/logs/syslog", "log")]
    [InlineData("/pods", "pods")]
    [InlineData("/healthz/ping", "healthz")]
    [InlineData("/configz", "configz")]
    [InlineData("/spec", null)]
    public void KubeletPath_FineGrainedSubresource_IsTheOneTheKubeletChecks(string path, string? subresource) =>
        Assert.Equal(subresource, KubeletPathAuthorization.FineGrainedSubresource(path));

    private static byte[] Encode(string text, string? encoding)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (encoding is null)
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

    private static string Decode(byte[] bytes, string? encoding)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoded = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            _ => input,
        };
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
