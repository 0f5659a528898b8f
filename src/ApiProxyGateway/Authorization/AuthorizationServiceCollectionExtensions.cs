namespace ApiProxyGateway.Authorization;

internal static class AuthorizationServiceCollectionExtensions
{
    /// <summary>SubjectAccessReview-based decisions with their cache, and the impersonation checks built on them.</summary>
    public static IServiceCollection AddAccessReviews(this IServiceCollection services)
    {
        services.AddSingleton<ISubjectAccessReviewClient, SubjectAccessReviewClient>();
        services.AddSingleton<AccessReviewer>();
        services.AddSingleton<ImpersonationAuthorizer>();
        services.AddSingleton<EffectiveUserResolver>();
        services.AddSingleton<RequestAuthorizer>();
        return services;
    }
}
