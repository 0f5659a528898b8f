using ApiProxyGateway.Streaming;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class StreamLimiterTests
{
    [Fact]
    public void TryAcquire_BeyondThePerUserLimit_IsRefusedUntilALeaseEnds()
    {
        var limiter = new StreamLimiter(Options.Create(new LimitsOptions { MaxStreams = 10, MaxStreamsPerUser = 2 }), TestMetrics.Create());

        using var first = limiter.TryAcquire("alice", out _);
        var second = limiter.TryAcquire("alice", out _);
        var third = limiter.TryAcquire("alice", out var refusedBy);
        using var bob = limiter.TryAcquire("bob", out _);
        second!.Dispose();
        using var fourth = limiter.TryAcquire("alice", out _);

        Assert.Null(third);
        Assert.Equal("per-user", refusedBy);
        Assert.NotNull(bob);
        Assert.NotNull(fourth);
    }

    [Fact]
    public void TryAcquire_BeyondTheTotalLimit_IsRefusedForEveryone()
    {
        var limiter = new StreamLimiter(Options.Create(new LimitsOptions { MaxStreams = 2, MaxStreamsPerUser = 5 }), TestMetrics.Create());

        using var a = limiter.TryAcquire("alice", out _);
        using var b = limiter.TryAcquire("bob", out _);
        var c = limiter.TryAcquire("carol", out var refusedBy);

        Assert.Null(c);
        Assert.Equal("total", refusedBy);
    }

    [Fact]
    public void Lease_DisposedTwice_ReleasesOnce()
    {
        var limiter = new StreamLimiter(Options.Create(new LimitsOptions { MaxStreams = 1, MaxStreamsPerUser = 1 }), TestMetrics.Create());

        var lease = limiter.TryAcquire("alice", out _)!;
        lease.Dispose();
        lease.Dispose();
        using var again = limiter.TryAcquire("alice", out _);
        var more = limiter.TryAcquire("bob", out _);

        Assert.NotNull(again);
        Assert.Null(more);
    }
}
