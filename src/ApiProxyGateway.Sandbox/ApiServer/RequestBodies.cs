using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>Reads request bodies: JSON, or the protobuf bodies kubectl's typed clients send (see <see cref="ProtobufBodies"/>).</summary>
internal static class RequestBodies
{
    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request)
    {
        if (request.ContentType?.StartsWith(ProtobufBodies.ContentType, StringComparison.Ordinal) == true)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            try
            {
                return ProtobufBodies.Decode(buffer.ToArray()) is { } decoded
                    ? (decoded, null)
                    : (null, "the sandbox accepts protobuf bodies only for access reviews and ConfigMaps; send JSON");
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
            {
                return (null, $"malformed protobuf body: {e.Message}");
            }
        }

        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return node is JsonObject obj ? (obj, null) : (null, "the request body must be a JSON object");
        }
        catch (JsonException e)
        {
            return (null, $"couldn't get version/kind; json parse error: {e.Message}");
        }
    }
}
