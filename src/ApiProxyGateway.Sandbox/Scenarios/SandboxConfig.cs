namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// The scenario's <c>sandbox.apiproxygateway.io/v1alpha1</c> <c>SandboxConfig</c> document:
/// <code>
/// apiVersion: sandbox.apiproxygateway.io/v1alpha1
/// kind: SandboxConfig
/// users:
/// - name: admin
///   groups: [system:masters]
/// nodes:            # optional, per-node sandbox settings
/// - name: node-a
/// </code>
/// </summary>
public sealed record SandboxConfig(IReadOnlyList<SandboxUser> Users, IReadOnlyList<SandboxNodeSettings> Nodes)
{
    public const string ApiVersion = "sandbox.apiproxygateway.io/v1alpha1";
    public const string Kind = "SandboxConfig";
}
