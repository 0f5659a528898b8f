using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// RFC 7386 JSON merge patch. Strategic merge patches are applied the same way: right for the maps and scalars
/// kubectl label/annotate/patch usually touch, but lists are replaced rather than merged by key.
/// </summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (key.StartsWith('$'))
            {
                continue; // strategic-merge directives ($patch, $retainKeys, $setElementOrder/…) have no merge-patch meaning
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
