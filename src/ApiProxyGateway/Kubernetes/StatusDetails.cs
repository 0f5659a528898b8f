namespace ApiProxyGateway.Kubernetes;

/// <summary>The <c>details</c> of a Status: the object the error is about, and when to retry.</summary>
internal sealed record StatusDetails(string? Name, string? Group, string? Kind)
{
    /// <summary>Seconds a client should wait before retrying (client-go honours it on 429 and 5xx).</summary>
    public int? RetryAfterSeconds { get; init; }
}
