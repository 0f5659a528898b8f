namespace ApiProxyGateway.Kubernetes;

/// <summary>The <c>details</c> of a Status: the object the error is about.</summary>
internal sealed record StatusDetails(string? Name, string? Group, string? Kind);
