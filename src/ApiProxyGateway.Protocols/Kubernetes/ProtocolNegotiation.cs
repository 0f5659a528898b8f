namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>Chooses a sub-protocol from what a client offered, as k8s.io/apimachinery httpstream.Handshake does.</summary>
public static class ProtocolNegotiation
{
    /// <summary>
    /// Returns the first protocol in the client's order that the server supports, or null. Header values may be
    /// repeated headers or comma-joined (what .NET's HttpClient and YARP send); both are accepted.
    /// </summary>
    public static string? Select(IEnumerable<string?> offeredHeaderValues, IEnumerable<string> supported)
    {
        ArgumentNullException.ThrowIfNull(offeredHeaderValues);
        var server = supported.ToHashSet(StringComparer.Ordinal);
        return Split(offeredHeaderValues).FirstOrDefault(server.Contains);
    }

    /// <summary>Splits repeated and comma-joined header values into single trimmed, non-empty tokens.</summary>
    public static IEnumerable<string> Split(IEnumerable<string?> headerValues) =>
        headerValues
            .OfType<string>()
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
