namespace ApiProxyGateway.Proxy;

/// <summary>
/// The link rule kube-apiserver's proxy applies to <c>Location</c> headers and HTML attributes: a URL on the
/// target itself (no host, or the target's host, or the host the client asked for) with an absolute path is
/// moved under the proxy path; relative, foreign and already-prefixed URLs are left alone. Hosts are compared as
/// written, as Go's <c>rewriteURL</c> compares <c>url.Host</c>: <paramref name="targetAuthority"/> is the target's
/// location host (an IPv6 address in brackets; the port as the location has it), and an explicit default port
/// (<c>https://10.1.2.3:443/</c>) is kept, where <see cref="Uri.Authority"/> would drop it.
/// </summary>
internal sealed class ProxyLinks(string proxyPrefix, string targetAuthority, string requestHost)
{
    public string? Rewrite(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        string path, rest;
        if (uri.IsAbsoluteUri)
        {
            var host = RawHost(value);
            if (uri.Scheme is not ("http" or "https") || (host != targetAuthority && !host.Equals(requestHost, StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            path = uri.AbsolutePath;
            rest = uri.Query + uri.Fragment;
        }
        else
        {
            if (!value.StartsWith('/') || value.StartsWith("//", StringComparison.Ordinal))
            {
                return null; // relative links already resolve under the proxy path; //host is another site
            }

            var end = value.IndexOfAny(['?', '#']);
            path = end < 0 ? value : value[..end];
            rest = end < 0 ? "" : value[end..];
        }

        return path.StartsWith(proxyPrefix, StringComparison.Ordinal) ? null : proxyPrefix + path + rest;
    }

    /// <summary>An absolute URL's host and port as written (Go's <c>url.Host</c>): after <c>//</c>, without user information.</summary>
    private static string RawHost(string absolute)
    {
        var start = absolute.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += 2;
        var end = absolute.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? absolute[start..] : absolute[start..end];
        return authority[(authority.LastIndexOf('@') + 1)..];
    }
}
