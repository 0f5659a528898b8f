using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>One request as the simulated API server received it, before it consumed any identity header.</summary>
public sealed class RequestLogEntry
{
    public required DateTimeOffset Time { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query string, exactly as received.</summary>
    public required string PathAndQuery { get; init; }

    public required string Protocol { get; init; }

    /// <summary>The connection it came on (Kestrel's id), to tell requests that share one; null where not recorded.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>Every request header as received (names as sent; repeated headers keep every value).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; }

    /// <summary>The client certificate's subject (RFC 2253 style), or null when none was presented.</summary>
    public string? ClientCertificateSubject { get; init; }

    /// <summary>Who the client certificate authenticated as; null when authentication failed.</summary>
    public UserInfo? AuthenticatedUser { get; init; }

    /// <summary>Who the request ran as after impersonation; null when it was rejected before that.</summary>
    public UserInfo? EffectiveUser { get; init; }

    /// <summary>The response status; 0 while a response (such as a watch) is still running.</summary>
    public int StatusCode { get; internal set; }

    public IReadOnlyList<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).ToList();

    public override string ToString() => $"{Method} {PathAndQuery} as {EffectiveUser?.Name ?? AuthenticatedUser?.Name ?? "(unauthenticated)"} -> {StatusCode}";
}
