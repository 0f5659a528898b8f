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
        using var block = RecordSizedMemoryPool.Instance.Rent(size);

        Assert.InRange(block.Memory.Length, 16 * 1024, 32 * 1024 - 1);
    }

    [Fact]
    public void Rent_MoreThanABlock_GivesAtLeastWhatWasAskedFor()
    {
        using var block = RecordSizedMemoryPool.Instance.Rent(40_000);

        Assert.True(block.Memory.Length >= 40_000);
    }

    [Fact]
    public void Factory_EveryServer_GetsTheOnePool()
    {
        var factory = new RecordSizedMemoryPool.Factory();

        Assert.Same(RecordSizedMemoryPool.Instance, factory.Create(new Microsoft.AspNetCore.Connections.MemoryPoolOptions { Owner = "kestrel" }));
        Assert.Equal(16 * 1024, RecordSizedMemoryPool.Instance.MaxBufferSize);
    }
}
