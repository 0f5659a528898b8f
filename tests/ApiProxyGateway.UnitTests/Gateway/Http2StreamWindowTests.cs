using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>The cap on an upstream HTTP/2 stream's receive window (<see cref="Http2StreamWindow"/>), set in the environment .NET reads it from.</summary>
public sealed class Http2StreamWindowTests
{
    [Fact]
    public void Apply_WithoutAnOperatorsValue_SetsFourMiBAndKeepsAnOperatorsValue()
    {
        var original = Environment.GetEnvironmentVariable(Http2StreamWindow.Variable);
        try
        {
            Environment.SetEnvironmentVariable(Http2StreamWindow.Variable, null);
            Assert.Equal("4194304", Http2StreamWindow.Apply());
            Assert.Equal("4194304", Environment.GetEnvironmentVariable(Http2StreamWindow.Variable));

            Environment.SetEnvironmentVariable(Http2StreamWindow.Variable, "1048576");
            Assert.Equal("1048576", Http2StreamWindow.Apply());
            Assert.Equal("1048576", Environment.GetEnvironmentVariable(Http2StreamWindow.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Http2StreamWindow.Variable, original);
        }
    }
}
