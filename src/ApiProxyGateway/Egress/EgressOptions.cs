namespace ApiProxyGateway.Egress;

/// <summary>
/// How the gateway reaches nodes and the API server (section <c>Egress</c>): directly, or through a Konnectivity
/// server, as kube-apiserver's <c>--egress-selector-config-file</c> configures it.
/// </summary>
internal sealed record EgressOptions
{
    public const string SectionName = "Egress";

    /// <summary>The setting and its flag, as start-up errors name them.</summary>
    public const string SelectorConfigFileSetting = "Egress:SelectorConfigFile (--egress-selector-config-file)";

    /// <summary>
    /// The kube-apiserver <c>EgressSelectorConfiguration</c> file (<c>--egress-selector-config-file</c>). Its
    /// <c>cluster</c> selection carries every kubelet and pods/services/nodes proxy connection, its <c>controlplane</c>
    /// selection the API server connections; <c>etcd</c> is ignored. Default empty: every connection is direct.
    /// </summary>
    public string SelectorConfigFile { get; init; } = "";
}
