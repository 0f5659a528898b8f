using ApiProxyGateway.Streaming;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>
/// The shutdown sequence: SIGTERM fails readiness at once (the health check watches the application's stopping
/// token) and every request from then on asks its connection to close (<see cref="ShutdownRequests"/>); the listener
/// keeps accepting for the readiness grace period, so load balancers can take the replica out of rotation; then it
/// closes (Kestrel sends HTTP/2 GOAWAY), in-flight requests and streams get the drain period, and finally
/// <see cref="StreamDrain"/> ends what is still open, each stream with a reason its client can print.
/// </summary>
internal sealed partial class GracefulShutdown(IOptions<ShutdownOptions> options, StreamDrain drain, StreamLimiter streams, TimeProvider timeProvider, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        ShuttingDown(logger, settings.ReadinessGracePeriod.TotalSeconds, settings.DrainPeriod.TotalSeconds);
        try
        {
            await Task.Delay(settings.ReadinessGracePeriod, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's own shutdown timeout ran out first: continue with the drain at once.
        }

        DrainLog.ListenerClosing(logger, streams.Open, settings.DrainPeriod.TotalSeconds);
        drain.StreamsMustClose.Register(() => DrainLog.DrainOver(logger, streams.Open));
        drain.CloseAfter(settings.DrainPeriod);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventIds.ShuttingDown, LogLevel.Information, "Shutting down: not ready now, accepting connections for {GraceSeconds}s more, then {DrainSeconds}s for requests and streams to finish")]
    private static partial void ShuttingDown(ILogger logger, double graceSeconds, double drainSeconds);
}
