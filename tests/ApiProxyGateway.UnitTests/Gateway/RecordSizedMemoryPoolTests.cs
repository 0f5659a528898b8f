using ApiProxyGateway.Hosting;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class RecordSizedMemoryPoolTests
{
    [Theory]
    [InlineData(-1)] // Kestrel's "any size"
    [InlineData(1)]
    [InlineData(4096)] // what Kestrel's pipes ask for (its minimum segment size)
    [InlineData(RecordSizedMemoryPool.BlockSize)]
    public void Rent_UpToAFullRecord_GivesABlockThatHoldsAFullTlsRecord(int size)
    {
        using var pool = new RecordSizedMemoryPool();

        using var block = pool.Rent(size);

        Assert.Equal(16 * 1024, block.Memory.Length);
    }

    [Fact]
    public void Rent_MoreThanABlock_GivesAtLeastWhatWasAskedFor()
    {
        using var pool = new RecordSizedMemoryPool();

        using var block = pool.Rent(40_000);

        Assert.True(block.Memory.Length >= 40_000);
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheBlockOnce()
    {
        // Returned twice, one array would go to two renters: two connections writing into the same memory.
        using var pool = new RecordSizedMemoryPool();
        var block = pool.Rent();
        var array = block.Memory;

        block.Dispose();
        block.Dispose();
        using var first = pool.Rent();
        using var second = pool.Rent();

        Assert.True(first.Memory.Span.Overlaps(array.Span) ^ second.Memory.Span.Overlaps(array.Span), "the returned array went to exactly one of the next two renters");
        Assert.Throws<ObjectDisposedException>(() => block.Memory);
    }

    [Fact]
    public void Rent_NeverGivesAnArrayOfTheSharedPool()
    {
        // Kestrel's blocks hold clients' plaintext: they must not be handed to the rest of the process.
        var shared = System.Buffers.ArrayPool<byte>.Shared.Rent(RecordSizedMemoryPool.BlockSize);
        System.Buffers.ArrayPool<byte>.Shared.Return(shared);
        using var pool = new RecordSizedMemoryPool();

        using var block = pool.Rent();

        Assert.False(block.Memory.Span.Overlaps(shared));
    }

    [Fact]
    public void Factory_EveryServer_GetsTheOnePool()
    {
        var factory = new RecordSizedMemoryPool.Factory();

        Assert.Same(RecordSizedMemoryPool.Instance, factory.Create(new Microsoft.AspNetCore.Connections.MemoryPoolOptions { Owner = "kestrel" }));
        Assert.Equal(16 * 1024, RecordSizedMemoryPool.Instance.MaxBufferSize);
    }
}
