namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Removes from a relayed response every header its upstream named in <c>Connection</c> (RFC 9110 §7.6.1: they are
/// for this hop only), which the forwarder copies otherwise. <c>Upgrade</c> stays on a 101, which needs it.
/// </summary>
internal static class ResponseHeaderSanitizer
{
    public static void Apply(HttpResponseMessage upstream, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(response);
        if (!upstream.Headers.TryGetValues("Connection", out var values))
        {
            return;
        }

        foreach (var token in values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (token.Equals("close", StringComparison.OrdinalIgnoreCase)
                || (token.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) && upstream.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols))
            {
                continue;
            }

            response.Headers.Remove(token);
        }
    }
}
