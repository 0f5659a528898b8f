using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>A Kubernetes object from the scenario, with the 1-based document it came from (for error messages).</summary>
internal sealed record ScenarioObject(int Document, ResourceType Type, JsonObject Object)
{
    public string Name => Object["metadata"]?["name"]?.GetValue<string>() ?? "";

    public string Namespace => Object["metadata"]?["namespace"]?.GetValue<string>() ?? "";

    public string Describe() => Type.Namespaced ? $"{Type.Kind} {Namespace}/{Name}" : $"{Type.Kind} {Name}";
}
