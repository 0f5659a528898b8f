using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Recording;

/// <summary>
/// Reads the resize stream's <c>{"Width":W,"Height":H}</c> objects out of bytes that arrive in arbitrary chunks
/// (field names match case-insensitively, as Go's encoding/json does). Never throws.
/// </summary>
internal static class TerminalSizeJson
{
    /// <summary>
    /// The first whole JSON value in <paramref name="data"/>: true with its <paramref name="length"/> and the size it
    /// names (null if it is not a terminal size), false while it is incomplete. Bytes that are not JSON make one value
    /// of all of <paramref name="data"/>, dropped.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out TerminalSize? size, out int length)
    {
        size = null;
        length = 0;
        var reader = new Utf8JsonReader(data, isFinalBlock: false, default);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                length = (int)reader.BytesConsumed;
                return true;
            }

            ushort? width = null, height = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    length = (int)reader.BytesConsumed;
                    size = width is { } w && height is { } h ? new TerminalSize(w, h) : null;
                    return true;
                }

                var name = reader.GetString();
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt16(out var value))
                {
                    if (string.Equals(name, "width", StringComparison.OrdinalIgnoreCase))
                    {
                        width = value;
                    }
                    else if (string.Equals(name, "height", StringComparison.OrdinalIgnoreCase))
                    {
                        height = value;
                    }
                }
                else if (!reader.TrySkip())
                {
                    return false;
                }
            }

            return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            length = data.Length;
            return true;
        }
    }
}
