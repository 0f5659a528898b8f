namespace ApiProxyGateway.Kubernetes;

/// <summary>The <c>metav1.Status</c> wire shape.</summary>
internal sealed record StatusBody(
    string Kind,
    string ApiVersion,
    StatusMetadata Metadata,
    string Status,
    string Message,
    string Reason,
    StatusDetails? Details,
    int Code);
