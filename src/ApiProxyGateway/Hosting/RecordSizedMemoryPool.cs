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
/// The blocks come from an array pool of Kestrel's own, as its default pool is its own: they hold clients' plaintext
/// (request heads and bodies, responses), which must never reach another user of the process-wide shared pool through
/// someone else's late or double return. At most <see cref="MaxKept"/> returned blocks are kept (16 MiB); past that, a
/// returned block is left to the collector. Idle connections hold no block (Kestrel and the relays read zero bytes while
/// they wait), so memory at rest is unchanged.
/// </remarks>
internal sealed class RecordSizedMemoryPool : MemoryPool<byte>
{
    /// <summary>The largest plaintext of one TLS record.</summary>
    public const int BlockSize = 16 * 1024;

    public const int MaxKept = 1024;

    private readonly ArrayPool<byte> _blocks = ArrayPool<byte>.Create(BlockSize, MaxKept);

    public static RecordSizedMemoryPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <remarks>Kestrel asks for more than <see cref="MaxBufferSize"/> from the shared pool itself; so does this.</remarks>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
        minBufferSize > BlockSize ? Shared.Rent(minBufferSize) : new Block(_blocks);

    protected override void Dispose(bool disposing)
    {
        // One pool for the process: every server shares it.
    }

    /// <summary>Given to Kestrel in place of its own factory (<c>IMemoryPoolFactory&lt;byte&gt;</c> in DI).</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => Instance;
    }

    /// <summary>A block, returned once however often it is disposed (two renters must never share one).</summary>
    private sealed class Block(ArrayPool<byte> blocks) : IMemoryOwner<byte>
    {
        private byte[]? _array = blocks.Rent(BlockSize);

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(RecordSizedMemoryPool));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                blocks.Return(array);
            }
        }
    }
}
