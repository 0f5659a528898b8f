namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>A loaded, validated scenario: the sandbox settings and the objects to put in the store.</summary>
internal sealed record Scenario(string Source, SandboxConfig Config, IReadOnlyList<ScenarioObject> Objects);
