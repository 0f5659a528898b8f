namespace ApiProxyGateway.UnitTests.Protocols;

internal static class TestWait
{
    /// <summary>A token that ends the test after <paramref name="seconds"/> instead of letting it hang.</summary>
    public static CancellationToken Timeout(int seconds = 20)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        return cts.Token;
    }

    /// <summary>Polls a condition that has no event of its own, failing the test if it does not become true in time.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
