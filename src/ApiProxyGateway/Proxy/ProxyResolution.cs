namespace ApiProxyGateway.Proxy;

/// <summary>The outcome of resolving a proxy request: a target to dial, or the reason there is none.</summary>
internal sealed record ProxyResolution(ProxyTarget? Target, ProxyRefusal? Refusal)
{
    public static implicit operator ProxyResolution(ProxyTarget target) => new(target, null);

    public static implicit operator ProxyResolution(ProxyRefusal refusal) => new(null, refusal);
}
