using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>
/// Checks an incoming object against its k8s.Models type the way kube-apiserver's strict decoding does: every value
/// must have the right JSON type and every field must exist. Returns the object as the model serializes it.
/// </summary>
internal static class ModelValidator
{
    public static JsonObject Validate(ResourceType type, JsonObject obj)
    {
        if (type.Deserialize is not { } deserialize)
        {
            return obj;
        }

        object? typed;
        try
        {
            typed = deserialize(obj.ToJsonString());
        }
        catch (JsonException e)
        {
            var problem = e.Message.Split(" Path:", 2)[0];
            throw new ModelValidationException(FieldOf(e.Path), problem);
        }

        var canonical = TypedResourceStore.ToJson(typed ?? throw new ModelValidationException("", "empty object"));
        FindUnknownFields(obj, canonical, "");
        return canonical;
    }

    private static void FindUnknownFields(JsonNode? original, JsonNode? canonical, string path)
    {
        switch (original)
        {
            case JsonObject originalObject when canonical is JsonObject canonicalObject:
                foreach (var (name, value) in originalObject)
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (value is null)
                    {
                        continue;
                    }

                    if (!canonicalObject.TryGetPropertyValue(name, out var canonicalValue))
                    {
                        throw new ModelValidationException(childPath, $"unknown field \"{childPath}\"");
                    }

                    FindUnknownFields(value, canonicalValue, childPath);
                }

                break;
            case JsonArray originalArray when canonical is JsonArray canonicalArray && originalArray.Count == canonicalArray.Count:
                for (var i = 0; i < originalArray.Count; i++)
                {
                    FindUnknownFields(originalArray[i], canonicalArray[i], $"{path}[{i}]");
                }

                break;
            default:
                break;
        }
    }

    private static string FieldOf(string? jsonPath) => jsonPath is null ? "" : jsonPath.TrimStart('$').TrimStart('.');
}
