using ApiProxyGateway.Sandbox.Kubelets;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class LogOptionsTests
{
    [Fact]
    public void Parse_EveryOption_DecodesAsTheKubelet()
    {
        var result = Parse("follow=true&previous=1&timestamps=yes&sinceTime=2026-01-02T03:04:05Z&tailLines=10&limitBytes=500");

        var options = Assert.IsType<LogOptions>(result.Options);
        Assert.True(options.Follow);
        Assert.True(options.Previous);
        Assert.True(options.Timestamps);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), options.SinceTime);
        Assert.Equal(10, options.TailLines);
        Assert.Equal(500, options.LimitBytes);
    }

    [Theory]
    [InlineData("follow=false", false)]
    [InlineData("follow=FALSE", false)]
    [InlineData("follow=0", false)]
    [InlineData("follow=", true)]
    [InlineData("follow=t", true)]
    public void Parse_Boolean_IsFalseOnlyForZeroOrFalse(string query, bool expected) =>
        Assert.Equal(expected, Parse(query).Options!.Follow);

    [Theory]
    [InlineData("tail=5", 5L)]
    [InlineData("tail=all", null)]
    [InlineData("tailLines=3&tail=7", 7L)]
    public void Parse_LegacyTail_StandsForTailLines(string query, long? expected) =>
        Assert.Equal(expected, Parse(query).Options!.TailLines);

    [Theory]
    [InlineData("tailLines=abc")]
    [InlineData("sinceSeconds=1.5")]
    [InlineData("sinceTime=yesterday")]
    [InlineData("limitBytes=")]
    public void Parse_UndecodableValue_IsUndecodable(string query) =>
        Assert.True(Parse(query).IsUndecodable);

    [Theory]
    [InlineData("tailLines=-1", "tailLines", "must be greater than or equal to 0")]
    [InlineData("limitBytes=0", "limitBytes", "must be greater than 0")]
    [InlineData("sinceSeconds=0", "sinceSeconds", "must be greater than 0")]
    [InlineData("sinceSeconds=5&sinceTime=2026-01-02T03:04:05Z", "sinceSeconds", "at most one of `sinceTime` or `sinceSeconds` may be specified")]
    public void Parse_InvalidOptions_NameTheFieldLikeValidatePodLogOptions(string query, string field, string message)
    {
        var result = Parse(query);

        Assert.Null(result.Options);
        Assert.Equal(field, result.Problem?.Field);
        Assert.Equal(message, result.Problem?.Message);
    }

    [Fact]
    public void Since_SinceSeconds_CountsBackFromNow()
    {
        var now = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddSeconds(-30), Parse("sinceSeconds=30").Options!.Since(now));
        Assert.Null(Parse("").Options!.Since(now));
    }

    private static LogOptionsResult Parse(string query)
    {
        var values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + query);
        return LogOptions.Parse(name => values.TryGetValue(name, out var v) ? v.ToString() : null);
    }
}
