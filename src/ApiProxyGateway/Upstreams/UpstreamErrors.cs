namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Finds why an upstream exchange failed: the forwarder, HttpClient and ClientWebSocket wrap the gateway's own
/// exceptions (<see cref="UpstreamConnectException"/>, <see cref="UpstreamRequestRefusedException"/>) in theirs.
/// </summary>
internal static class UpstreamErrors
{
    /// <summary>The first exception of type <typeparamref name="T"/> in <paramref name="exception"/>'s chain, or null.</summary>
    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
