namespace ApiProxyGateway.Egress;

/// <summary>One <c>egressSelections[]</c> entry: which traffic (<c>cluster</c>, <c>controlplane</c>, <c>etcd</c>) goes how.</summary>
internal sealed record EgressSelection
{
    public const string Cluster = "cluster";
    public const string ControlPlane = "controlplane";
    public const string Etcd = "etcd";

    /// <summary>As written, except that <c>master</c> is already <c>controlplane</c>; kube-apiserver compares it lower-cased.</summary>
    public string Name { get; init; } = "";

    public EgressConnection Connection { get; init; } = new();
}
