namespace ApiProxyGateway.Kubernetes;

/// <summary>A port a container declares, in declaration order.</summary>
internal sealed record ContainerPortInfo(string? Name, int Port, string Protocol);
