namespace ApiProxyGateway.Audit;

/// <summary>An <c>audit.k8s.io/v1</c> Event, with the fields the gateway fills in.</summary>
internal sealed record AuditEvent
{
    public string Kind { get; init; } = "Event";

    public string ApiVersion { get; init; } = "audit.k8s.io/v1";

    public string Level { get; init; } = "Metadata";

    public required string AuditID { get; init; }

    public required string Stage { get; init; }

    public required string RequestURI { get; init; }

    public required string Verb { get; init; }

    public AuditUser? User { get; init; }

    public AuditUser? ImpersonatedUser { get; init; }

    public IReadOnlyList<string> SourceIPs { get; init; } = [];

    public string? UserAgent { get; init; }

    public AuditObjectReference? ObjectRef { get; init; }

    public AuditResponseStatus? ResponseStatus { get; init; }

    public required string RequestReceivedTimestamp { get; init; }

    public required string StageTimestamp { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
