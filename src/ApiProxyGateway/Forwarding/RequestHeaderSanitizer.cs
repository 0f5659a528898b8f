using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Removes from an outgoing request everything that could carry an identity the gateway did not establish:
/// <c>Authorization</c>, every <c>Impersonate-*</c>, kube front-proxy <c>X-Remote-*</c>, client-supplied
/// forwarding headers, our own placeholder lines, and any header the client nominated in <c>Connection</c>.
/// It runs before the gateway adds its own identity headers.
/// </summary>
internal static class RequestHeaderSanitizer
{
    public static void Apply(HttpRequest incoming, HttpRequestMessage outgoing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(outgoing);
        var nominated = NominatedByConnection(incoming);
        Remove(outgoing.Headers, nominated);
        if (outgoing.Content is { } content)
        {
            Remove(content.Headers, nominated);
        }
    }

    public static bool IsIdentityHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Remote-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Real-Ip", StringComparison.OrdinalIgnoreCase)
        || HeaderLines.IsPlaceholder(name);

    /// <summary>The headers the client's <c>Connection</c> header names; null when it names none (every HTTP/2 request).</summary>
    private static HashSet<string>? NominatedByConnection(HttpRequest incoming)
    {
        HashSet<string>? nominated = null;
        foreach (var value in incoming.Headers.Connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Upgrade is re-added by the forwarder for real upgrade requests; the keywords name no header.
                if (!token.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
                    && !token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    && !token.Equals("close", StringComparison.OrdinalIgnoreCase))
                {
                    (nominated ??= new(StringComparer.OrdinalIgnoreCase)).Add(token);
                }
            }
        }

        return nominated;
    }

    /// <summary>
    /// Names are read from the unvalidated view (the validated enumeration parses every header and builds an array of
    /// its values, on every request) and removed once the enumeration is over.
    /// </summary>
    private static void Remove(System.Net.Http.Headers.HttpHeaders headers, HashSet<string>? nominated)
    {
        List<string>? removed = null;
        foreach (var (name, _) in headers.NonValidated)
        {
            if (IsIdentityHeader(name) || nominated?.Contains(name) == true)
            {
                (removed ??= []).Add(name);
            }
        }

        if (removed is null)
        {
            return;
        }

        foreach (var name in removed)
        {
            headers.Remove(name);
        }
    }
}
