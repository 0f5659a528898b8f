namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// Sandbox-only settings for one Node of the scenario: how its simulated kubelet (and, with <c>--egress</c>, its
/// konnectivity-agent) misbehaves, if at all. The defaults are healthy; each property is one fault the gateway's tests need.
/// </summary>
public sealed record SandboxNodeSettings(string Name)
{
    /// <summary>The kubelet's serving certificate (YAML <c>servingCertificate</c>). Default: valid, CSR-style.</summary>
    public KubeletCertificateFault ServingCertificate { get; init; } = KubeletCertificateFault.None;

    /// <summary>False: nothing listens on the node's kubelet port (YAML <c>listening</c>). Default true.</summary>
    public bool Listening { get; init; } = true;

    /// <summary>How long the kubelet waits before it answers each request (YAML <c>responseDelay</c>, e.g. <c>3s</c>).</summary>
    public TimeSpan ResponseDelay { get; init; }

    /// <summary>How long the kubelet stalls the TLS handshake (YAML <c>handshakeDelay</c>), to trip connect timeouts.</summary>
    public TimeSpan HandshakeDelay { get; init; }

    /// <summary>
    /// The order of <c>status.addresses</c> by type (YAML <c>addressTypes</c>, e.g. <c>[Hostname, InternalIP]</c>); null keeps
    /// the default InternalIP, Hostname. Types left out are not published.
    /// </summary>
    public IReadOnlyList<string>? AddressTypes { get; init; }

    /// <summary>With <c>--egress</c>: false runs no konnectivity-agent for the node (YAML <c>konnectivityAgent</c>). Default true.</summary>
    public bool KonnectivityAgent { get; init; } = true;

    /// <summary>With <c>--egress</c>: how long the node's agent waits before each dial (YAML <c>agentDialDelay</c>).</summary>
    public TimeSpan AgentDialDelay { get; init; }

    /// <summary>The address types a simulated node can publish.</summary>
    public static IReadOnlyList<string> SupportedAddressTypes { get; } = ["InternalIP", "Hostname"];
}
