namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>What the test API server received: the request line, every header with each of its lines, the caller, and the HTTP version.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string[]> Headers, string? ClientSubject, string? ClientThumbprint = null, string Protocol = "")
{
    public string[] Values(string header) => Headers.TryGetValue(header, out var values) ? values : [];

    public IEnumerable<string> HeaderNames => Headers.Keys;
}
