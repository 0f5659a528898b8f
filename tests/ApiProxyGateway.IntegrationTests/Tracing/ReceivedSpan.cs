namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>One span as the OTLP receiver decoded it; ids in lower-case hex, attribute values as text.</summary>
public sealed record ReceivedSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Kind,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    bool Failed)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() =>
        $"{Name} [{Kind}] {TraceId}/{SpanId} parent {(ParentSpanId.Length == 0 ? "-" : ParentSpanId)}{(Failed ? " FAILED" : "")} {{{string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}}}";
}
