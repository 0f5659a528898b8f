namespace ApiProxyGateway.Proxy;

/// <summary>
/// The <c>[scheme:]name[:port]</c> segment of a proxy URL, split as kube-apiserver's <c>SplitSchemeNamePort</c>
/// does: one part is the name, two are name and port, three are scheme, name and port; the scheme must be
/// empty, <c>http</c> or <c>https</c>, the name must not be empty, and the port may be a name or a number.
/// </summary>
internal sealed record ProxyTargetName(string Scheme, string Name, string Port)
{
    public static ProxyTargetName? Parse(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var parts = segment.Split(':');
        var (scheme, name, port) = parts switch
        {
            [var only] => ("", only, ""),
            [var first, var second] => ("", first, second),
            [var first, var second, var third] => (first, second, third),
            _ => (null, null, null),
        };
        return name is { Length: > 0 } && scheme is "" or "http" or "https" ? new ProxyTargetName(scheme!, name, port!) : null;
    }
}
