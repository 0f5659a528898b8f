using System.Security.Cryptography;

namespace ApiProxyGateway.Recording;

/// <summary>Everything that crossed one channel, recorded or not: its size and SHA-256.</summary>
internal sealed class ChannelTotals : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Bytes { get; private set; }

    /// <summary>Of <see cref="Bytes"/>, how many the recording holds.</summary>
    public long RecordedBytes { get; set; }

    public void Add(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Bytes += data.Length;
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose() => _hash.Dispose();
}
