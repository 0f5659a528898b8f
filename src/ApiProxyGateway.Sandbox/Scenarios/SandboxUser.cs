namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>A scenario user: gets a client certificate (CN = name, one O per group) and two kubeconfig contexts.</summary>
public sealed record SandboxUser(string Name, IReadOnlyList<string> Groups);
