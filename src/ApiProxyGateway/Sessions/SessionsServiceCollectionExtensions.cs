namespace ApiProxyGateway.Sessions;

internal static class SessionsServiceCollectionExtensions
{
    /// <summary>The registry of open connections and streams, and the guard that checks them again.</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<LiveSessions>();
        services.AddSingleton<SessionGuard>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionGuard>());
        return services;
    }
}
