using System.Text.Json.Nodes;
using k8s;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>A change in the store. <see cref="Resource"/> is a private copy: consumers may read it freely but not share it.</summary>
public sealed record StoreEvent(WatchEventType Type, ResourceType ResourceType, JsonObject Resource, long ResourceVersion)
{
    public string Namespace => Resource["metadata"]?["namespace"]?.GetValue<string>() ?? "";

    public string Name => Resource["metadata"]?["name"]?.GetValue<string>() ?? "";
}
