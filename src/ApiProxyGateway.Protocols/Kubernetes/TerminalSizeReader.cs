using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// Reads the resize stream: JSON objects one after another (Go's json.Encoder), in whatever pieces they
/// arrive. Each event is yielded as soon as its closing brace is in, which JsonSerializer's own stream
/// reader does not promise.
/// </summary>
internal static class TerminalSizeReader
{
    private const int MaxPending = 64 * 1024;

    public static async IAsyncEnumerable<TerminalSize> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pending = new ArrayBufferWriter<byte>(256);
        var chunk = new byte[1024];
        int count;
        while ((count = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            pending.Write(chunk.AsSpan(0, count));
            var consumed = 0;
            while (TryReadOne(pending.WrittenSpan[consumed..], out var size, out var length))
            {
                consumed += length;
                yield return size;
            }

            var rest = pending.WrittenSpan[consumed..].ToArray();
            if (rest.Length > MaxPending)
            {
                throw new InvalidDataException("Resize stream sent an oversized JSON value.");
            }

            pending.ResetWrittenCount();
            pending.Write(rest);
        }
    }

    private static bool TryReadOne(ReadOnlySpan<byte> data, out TerminalSize size, out int length)
    {
        size = default;
        length = 0;
        var reader = new Utf8JsonReader(data, isFinalBlock: false, state: default);
        if (!reader.Read() || !reader.TrySkip())
        {
            return false;
        }

        length = (int)reader.BytesConsumed;
        size = JsonSerializer.Deserialize(data[..length], ProtocolJsonContext.Default.TerminalSize);
        return true;
    }
}
