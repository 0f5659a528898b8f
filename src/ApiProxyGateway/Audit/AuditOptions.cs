namespace ApiProxyGateway.Audit;

/// <summary>Audit events (section <c>Audit</c>), in the audit.k8s.io/v1 Event format, named like kube-apiserver's flags.</summary>
internal sealed record AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Where events go, one JSON object per line (<c>--audit-log-path</c>): a file path, or <c>-</c> for standard
    /// output. Default <c>-</c>: kubelet and proxy routes are always audited.
    /// </summary>
    public string Path { get; init; } = "-";

    /// <summary>A file is rotated when it reaches this size (<c>--audit-log-maxsize</c>, megabytes). Default 100.</summary>
    public int MaxSizeMegabytes { get; init; } = 100;

    /// <summary>Rotated files kept (<c>--audit-log-maxbackup</c>). Default 10.</summary>
    public int MaxBackups { get; init; } = 10;

    /// <summary>Also audit requests passed through to the API server (which audits them itself). Default false.</summary>
    public bool IncludePassThrough { get; init; }

    /// <summary>Events buffered for the writer; when full, new events are dropped and counted, never waited for. Default 10,000.</summary>
    public int QueueCapacity { get; init; } = 10_000;
}
