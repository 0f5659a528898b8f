using ApiProxyGateway.Egress;
using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.UnitTests.Egress;

public sealed class EgressReplyTests
{
    [Theory]
    [InlineData("No agent available", "NoAgent")]
    [InlineData("no agent available: node-a", "NoAgent")]
    [InlineData("currently no tunnels available: No agent available", "NoAgent")]
    [InlineData("timed out waiting for backend dial", "TimedOut")]
    [InlineData("dial tcp 10.0.0.5:10250: connect: connection refused", "Refused")]
    [InlineData("", "Refused")]
    public void Classify_KonnectivityServersWords_SayWhatFailed(string error, string expected)
    {
        Assert.Equal(expected, EgressReply.Classify(error).ToString());
    }

    [Fact]
    public void Classify_TheServersOwnConstants_AreRecognised()
    {
        Assert.Equal(EgressFailure.NoAgent, EgressReply.Classify(KonnectivityMetadata.NoAgentAvailable));
        Assert.Equal(EgressFailure.TimedOut, EgressReply.Classify(KonnectivityMetadata.BackendDialTimeout));
    }

    [Theory]
    [InlineData("line one\r\nline\ttwo\u0000", "line one line two")]
    [InlineData("  lead and trail  ", "lead and trail")]
    [InlineData("escape \u001b[31mred\u007f \u0085next", "escape [31mred next")]
    [InlineData("bidi \u2028sep", "bidi sep")]
    public void Printable_ControlCharactersAndBreaks_BecomeSingleSpaces(string text, string expected)
    {
        Assert.Equal(expected, EgressReply.Printable(text));
    }

    [Fact]
    public void Printable_Surrogates_BecomeSpacesSoACutNeverSplitsAPair()
    {
        Assert.Equal("half surrogate", EgressReply.Printable("half " + (char)0xD800 + " surrogate"));
        Assert.Equal("pair", EgressReply.Printable("pair \U0001F600"));
    }

    [Fact]
    public void Printable_LongText_IsCutAtTheLimit()
    {
        Assert.Equal(EgressReply.MaxText, EgressReply.Printable(new string('x', 1_000_000)).Length);
        Assert.Equal("abc", EgressReply.Printable("abcdef", 3));
    }
}
