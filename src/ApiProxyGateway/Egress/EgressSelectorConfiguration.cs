namespace ApiProxyGateway.Egress;

/// <summary>
/// kube-apiserver's <c>EgressSelectorConfiguration</c> (<c>apiserver.k8s.io/v1beta1</c> or <c>v1alpha1</c>) as read
/// from the file, after kube-apiserver's own conversion: the deprecated name <c>master</c> becomes <c>controlplane</c>.
/// </summary>
internal sealed record EgressSelectorConfiguration
{
    public const string Kind = "EgressSelectorConfiguration";

    /// <summary>The versions kube-apiserver decodes this kind from; the two have the same fields.</summary>
    public static readonly IReadOnlyList<string> ApiVersions = ["apiserver.k8s.io/v1beta1", "apiserver.k8s.io/v1alpha1"];

    public required string ApiVersion { get; init; }

    public IReadOnlyList<EgressSelection> EgressSelections { get; init; } = [];
}
