namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// Sandbox-only settings for one Node of the scenario. Only the name for now: the simulated kubelets (next task)
/// add their fault switches here.
/// </summary>
public sealed record SandboxNodeSettings(string Name);
