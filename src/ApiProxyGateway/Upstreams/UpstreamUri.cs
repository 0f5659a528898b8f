namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Builds the URI of an upstream request from an escaped path, and refuses it if <see cref="Uri"/> would send any
/// other path (it unescapes some sequences and compacts dot segments): the path the upstream receives is exactly the
/// path the gateway classified and authorized.
/// </summary>
internal static class UpstreamUri
{
    public static Uri Create(string destinationPrefix, string escapedPath, string? query)
    {
        ArgumentNullException.ThrowIfNull(destinationPrefix);
        ArgumentNullException.ThrowIfNull(escapedPath);
        var uri = new Uri(destinationPrefix.TrimEnd('/') + escapedPath + query);
        if (!string.Equals(uri.AbsolutePath, escapedPath, StringComparison.Ordinal))
        {
            throw new UpstreamRequestRefusedException($"the path {escapedPath} would be sent as {uri.AbsolutePath}");
        }

        return uri;
    }
}
