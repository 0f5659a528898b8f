using ApiProxyGateway.Requests;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>GoQuery reads a query as Go's url.ParseQuery does (and so as kube-apiserver does), or refuses it.</summary>
public sealed class GoQueryTests
{
    [Theory]
    [InlineData("?Watch=0&watch=1", "watch", "1")]
    [InlineData("?watch=1&watch=0", "watch", "1")]
    [InlineData("?wat%63h=1", "watch", "1")]
    [InlineData("?a=b+c", "a", "b c")]
    [InlineData("?a+b=c", "a b", "c")]
    [InlineData("?a=%2B", "a", "+")]
    [InlineData("?a==b", "a", "=b")]
    [InlineData("?a", "a", "")]
    [InlineData("a=1", "a", "1")]
    [InlineData("?&&a=1&", "a", "1")]
    [InlineData("?a=caf%C3%A9", "a", "café")]
    public void Parse_ReadsTheFirstValueOfAnExactlyNamedParameter(string raw, string name, string expected)
    {
        var query = GoQuery.Parse(raw, out var refusal);

        Assert.Null(refusal);
        Assert.NotNull(query);
        Assert.Equal(expected, query[name][0]);
    }

    [Theory]
    [InlineData("?Watch=1")]
    [InlineData("?watch=1;x=2")]
    [InlineData("?x=2;watch=1")]
    [InlineData("?watch=%zz")]
    [InlineData("?watch=1%")]
    [InlineData("?watch%=1")]
    public void Parse_DropsWhatGoDrops(string raw)
    {
        var query = GoQuery.Parse(raw, out var refusal);

        Assert.Null(refusal);
        Assert.NotNull(query);
        Assert.False(query.ContainsKey("watch"), string.Join(",", query.Keys));
    }

    [Theory]
    [InlineData("?container=%FF")]
    [InlineData("?c%C3=1")]
    [InlineData("?a=\u00e9")]
    [InlineData("?a=b c")]
    [InlineData("?a=\u0001")]
    public void Parse_BytesGoWouldKeepButThatAreNotUtf8OrNotEscaped_AreRefused(string raw)
    {
        Assert.Null(GoQuery.Parse(raw, out var refusal));
        Assert.Contains("UTF-8", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreParametersThanGoReads_IsRefused()
    {
        var atTheLimit = "?watch=1" + new string('&', GoQuery.MaxParameters - 1);

        Assert.NotNull(GoQuery.Parse(atTheLimit, out _));
        Assert.Null(GoQuery.Parse(atTheLimit + "&", out var refusal));
        Assert.Contains("more than 10000 parameters", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatedParameter_KeepsEveryValueInOrder()
    {
        var query = GoQuery.Parse("?command=sh&command=-c&Command=x&command=echo+hi", out _);

        Assert.Equal("sh|-c|echo hi", string.Join("|", query!["command"].ToArray()));
        Assert.Equal("x", query["Command"].ToString());
    }

    [Theory]
    [InlineData("?Watch=0&watch=1", "watch")]
    [InlineData("?watch=1&Watch=0", "watch")]
    [InlineData("?Watch=1", "list")]
    [InlineData("?watch=1;", "list")]
    public void Classify_WithTheGoQuery_AgreesWithTheApiServerOnWatch(string raw, string verb)
    {
        var query = GoQuery.Parse(raw, out _)!;

        var classified = RequestClassifier.Classify("GET", "/api/v1/namespaces/demo/pods" + raw, name => query.TryGetValue(name, out var v) ? v[0] : null, out _);

        Assert.Equal(verb, classified!.Info.Verb);
    }

    [Theory]
    [InlineData("?container=a&container=b", "a")]
    [InlineData("?container=&container=b", "")]
    [InlineData("?Container=b", null)]
    public void First_IsTheFirstValueAsKubeApiserverReadsASingleValuedOption(string raw, string? expected) =>
        Assert.Equal(expected, GoQuery.First(new Microsoft.AspNetCore.Http.QueryCollection(GoQuery.Parse(raw, out _)!), "container"));
}
