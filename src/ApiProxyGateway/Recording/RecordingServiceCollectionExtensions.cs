namespace ApiProxyGateway.Recording;

internal static class RecordingServiceCollectionExtensions
{
    /// <summary>Session recording (<c>--record-sessions</c>, <c>--recording-dir</c>) and the retention of its files.</summary>
    public static IServiceCollection AddSessionRecording(this IServiceCollection services)
    {
        services.AddSingleton<SessionRecorder>();
        services.AddHostedService<RecordingRetention>();
        return services;
    }
}
