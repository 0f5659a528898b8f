namespace ApiProxyGateway.Authorization;

/// <summary>
/// Caching of SubjectAccessReview decisions (section <c>Authorization</c>). The defaults are kube-apiserver's
/// webhook authorizer defaults: allowed answers for 5 minutes, denied ones for 30 seconds.
/// </summary>
internal sealed record AccessReviewOptions
{
    public const string SectionName = "Authorization";

    public TimeSpan AllowedCacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan DeniedCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most decisions kept. Default 10,000.</summary>
    public int CacheSize { get; init; } = 10_000;

    /// <summary>Longest wait for the API server's answer before the request is refused with 503. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
