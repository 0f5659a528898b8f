namespace ApiProxyGateway.Kubernetes;

/// <summary>One port of a Service.</summary>
internal sealed record ServicePortInfo(string? Name, int Port, string Protocol);
