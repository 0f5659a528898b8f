using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>A loaded, validated scenario: the sandbox settings and the objects to put in the store.</summary>
internal sealed record Scenario(string Source, SandboxConfig Config, IReadOnlyList<ScenarioObject> Objects)
{
    /// <summary>The Nodes' names in scenario order (node N is the N-th, 1-based, in the address plan).</summary>
    public IReadOnlyList<string> NodeNames => [.. Objects.Where(o => o.Type == ResourceCatalog.Nodes).Select(o => o.Name)];

    /// <summary>Each Node's sandbox settings in scenario order; healthy defaults for the Nodes the SandboxConfig does not list.</summary>
    public IReadOnlyList<SandboxNodeSettings> NodeSettings =>
        [.. NodeNames.Select(name => Config.Nodes.FirstOrDefault(n => n.Name == name) ?? new SandboxNodeSettings(name))];
}
