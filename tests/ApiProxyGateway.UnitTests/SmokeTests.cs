namespace ApiProxyGateway.UnitTests;

public sealed class SmokeTests
{
    [Fact]
    public void Build_Works_True() => Assert.Equal(2, 1 + 1);
}
