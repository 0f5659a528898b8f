using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace ApiProxyGateway.Hosting;

/// <summary>
/// Kestrel's memory pool with blocks the size of a full TLS record (16 KiB) instead of its default 4 KiB. Kestrel's TLS
/// layer hands <see cref="System.Net.Security.SslStream"/> one pool block per write and per read, so with 4 KiB blocks
/// every record to a client carried at most 4 KiB: a relayed 16 KiB chunk cost four encryptions, four writes into the
/// transport and four records' overhead on the wire, where nginx and HAProxy send one record. The framework offers no
/// setting for the block size, only this factory.
/// </summary>
/// <remarks>
/// The blocks come from the shared array pool, which keeps returned arrays per core and gives memory back after a burst;
/// a pool of our own that kept its blocks measured no cheaper per request. Idle connections hold no block (Kestrel and
/// the relays read zero bytes while they wait), so memory at rest is unchanged.
/// </remarks>
internal sealed class RecordSizedMemoryPool : MemoryPool<byte>
{
    /// <summary>The largest plaintext of one TLS record.</summary>
    public const int BlockSize = 16 * 1024;

    public static RecordSizedMemoryPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => Shared.Rent(Math.Max(minBufferSize, BlockSize));

    protected override void Dispose(bool disposing)
    {
        // The shared array pool outlives every server.
    }

    /// <summary>Given to Kestrel in place of its own factory (<c>IMemoryPoolFactory&lt;byte&gt;</c> in DI).</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => Instance;
    }
}
