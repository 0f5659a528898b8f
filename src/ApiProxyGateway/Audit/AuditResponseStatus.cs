namespace ApiProxyGateway.Audit;

/// <summary>The <c>responseStatus</c> of an audit event: the code, and for failures the reason and message.</summary>
internal sealed record AuditResponseStatus(int Code, string? Status = null, string? Reason = null, string? Message = null)
{
    public AuditEmptyMetadata Metadata { get; init; } = new();
}
