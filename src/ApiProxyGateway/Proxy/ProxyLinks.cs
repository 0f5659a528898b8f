namespace ApiProxyGateway.Proxy;

/// <summary>
/// The link rule kube-apiserver's proxy applies to <c>Location</c> headers and HTML attributes: a URL on the
/// target itself (no host, or the target's host, or the host the client asked for) with an absolute path is
/// moved under the proxy path; relative, foreign and already-prefixed URLs are left alone.
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
            if (uri.Scheme is not ("http" or "https") || (uri.Authority != targetAuthority && !uri.Authority.Equals(requestHost, StringComparison.OrdinalIgnoreCase)))
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
}
