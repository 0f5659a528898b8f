namespace ApiProxyGateway.Kubernetes;

/// <summary>What the proxy needs to know about a Service: its ports and the trust bundle its annotation names.</summary>
internal sealed record ServiceInfo(string Namespace, string Name, IReadOnlyList<ServicePortInfo> Ports, string? TrustBundleConfigMap)
{
    /// <summary>Annotation on a Service naming a ConfigMap (same namespace, key <c>ca.crt</c>) with the CA bundle for its certificates.</summary>
    public const string TrustBundleAnnotation = "apiproxygateway.io/trust-bundle";
}
