using System.Text;
using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Requests;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>Properties of the one request classifier: total on any input, and what it forwards reads back the same.</summary>
public sealed class RequestClassifierPropertyTests
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "get"];

    private static readonly Gen<string> Segment = Gen.OneOf<string>(
        Gen.OneOf<string>("api", "apis", "v1", "namespaces", "demo", "pods", "services", "nodes", "shell", "exec", "log", "attach",
            "portforward", "proxy", "watch", "status", "finalize", "", ".", "..", "%2F", "%2e%2E", "%0D%0A", "%", "%zz", "%ff", "a%20b", "https:web:8443"),
        Gen.Char['!', '~'].Array[1, 6].Select(chars => new string(chars)));

    private static readonly Gen<string> Target = Segment.Array[0, 10].Select(Gen.Bool, (parts, slash) => "/" + string.Join('/', parts) + (slash ? "/" : ""));

    [Fact]
    public void Classify_AnyTarget_ClassifiesOrRefusesWithoutThrowing()
    {
        Gen.Select(Gen.OneOf<string>(Methods), Target).Sample((method, target) =>
        {
            var classified = RequestClassifier.Classify(method, target, _ => null, out var refusal);

            Assert.True(classified is null != (refusal is null));
            Assert.True(refusal is null || refusal.Code is 400 or 404);
        }, iter: 20_000);
    }

    [Fact]
    public void Classify_TheForwardedPath_ReadsBackAsTheSameRequest()
    {
        Gen.Select(Gen.OneOf<string>(Methods), Target).Sample((method, target) =>
        {
            if (RequestClassifier.Classify(method, target, _ => null, out _) is not { } first)
            {
                return;
            }

            var again = RequestClassifier.Classify(method, first.EscapedPath, _ => null, out var refusal);

            Assert.True(again is not null, refusal?.Message);
            Assert.Equal(first.Route, again.Route);
            Assert.Equal(first.Info with { Parts = [] }, again.Info with { Parts = [] });
            Assert.Equal(first.Info.Parts, again.Info.Parts);
            Assert.Equal(first.ProxyPath, again.ProxyPath);
        }, iter: 20_000);
    }

    [Fact]
    public void Classify_EveryGatewaySubresource_IsNeverPassedThrough()
    {
        Gen.Select(Gen.OneOf<string>(Methods), Target).Sample((method, target) =>
        {
            if (RequestClassifier.Classify(method, target, _ => null, out _) is { Route.IsServedByGateway: false } classified)
            {
                var info = classified.Info;
                Assert.False(info.ApiPrefix == "api" && info.ApiVersion == "v1" && info.Resource is "pods" or "services" or "nodes"
                    && info.Subresource is "log" or "exec" or "attach" or "portforward" or "proxy", $"{target} passes through as {info.ResourceWithSubresource}");
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Escape_ThenDecode_IsTheIdentityOnText()
    {
        Gen.Char.Where(c => !char.IsSurrogate(c)).Array[0, 30].Select(chars => new string(chars)).Sample(text =>
        {
            var escaped = UrlPath.Escape(text);

            Assert.All(Encoding.UTF8.GetBytes(escaped), b => Assert.InRange(b, (byte)0x21, (byte)0x7E));
            Assert.DoesNotContain('?', escaped);
            Assert.Equal(text, UrlPath.Decode(escaped));
        }, iter: 5_000);
    }
}
