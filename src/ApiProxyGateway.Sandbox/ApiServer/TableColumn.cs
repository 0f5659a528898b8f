using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>One column of a server-side printed table; priority 1 columns appear only with <c>-o wide</c>.</summary>
internal sealed record TableColumn(string Name, string Description, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, int Priority = 0, string Type = "string", string Format = "")
{
    public JsonObject Definition() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}
