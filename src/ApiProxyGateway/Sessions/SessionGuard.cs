using System.Text;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Sessions;

/// <summary>
/// Holds open connections and streams to the access they were granted. Every
/// <see cref="SessionGuardOptions.CertificateCheckInterval"/> each live client certificate is validated again (a
/// revocation, a CA removed from the bundle or the certificate's NotAfter ends it: its streams are closed with the
/// reason, then its connections are cut). Every <see cref="SessionGuardOptions.StreamReauthorizationInterval"/> each open
/// stream is authorized again, as when it was opened: denied, it is closed naming the permission; unanswered for
/// longer than the grace period, it is closed too unless the settings say fail open.
/// </summary>
internal sealed class SessionGuard(
    LiveSessions sessions,
    ClientCertificateValidator validator,
    AccessReviewer reviewer,
    IOptions<SessionGuardOptions> options,
    GatewayMetrics metrics,
    TimeProvider timeProvider,
    ILogger<SessionGuard> logger) : BackgroundService
{
    /// <summary>Re-authorizations in flight at once: enough to get through thousands of streams, not a flood.</summary>
    private const int ReviewParallelism = 8;

    /// <summary>Time a stream is given to tell its client why before its connection is cut under it.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var reauthorization = settings.StreamReauthorizationInterval > TimeSpan.Zero
            ? EveryAsync(settings.StreamReauthorizationInterval, ReauthorizeAsync, stoppingToken)
            : Task.CompletedTask;
        return Task.WhenAll(EveryAsync(settings.CertificateCheckInterval, CheckCertificatesAsync, stoppingToken), reauthorization);
    }

    /// <summary>Validates every live certificate again; ends the streams and then the connections of those refused now.</summary>
    internal async Task CheckCertificatesAsync(CancellationToken cancellationToken)
    {
        var refused = new List<LiveConnection>();
        foreach (var connection in sessions.Connections)
        {
            if (Refusal(connection.Certificate) is not { } end)
            {
                connection.Accepted = true;
                continue;
            }

            refused.Add(connection);
            if (connection.Accepted)
            {
                SessionsLog.ConnectionEnded(logger, connection.Certificate.Subject, end.EndedBy, end.Message);
                metrics.SessionEnded("connection", end.EndedBy);
            }
        }

        var ended = false;
        foreach (var stream in sessions.Streams)
        {
            if (Refusal(stream.Certificate) is { } end)
            {
                ended |= Close(stream, end);
            }
        }

        if (refused.Count == 0)
        {
            return;
        }

        if (ended)
        {
            await Task.Delay(CloseGrace, timeProvider, cancellationToken);
        }

        foreach (var connection in refused)
        {
            connection.Abort("the client certificate is no longer accepted");
        }
    }

    /// <summary>Authorizes every open stream again, each question at most once per interval (the review cache shares answers).</summary>
    internal async Task ReauthorizeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = timeProvider.GetTimestamp();
        var freshness = settings.StreamReauthorizationInterval > TimeSpan.Zero ? settings.StreamReauthorizationInterval : TimeSpan.Zero;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ReviewParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(sessions.Streams.Where(s => s.End is null).ToArray(), parallel, async (stream, token) =>
        {
            foreach (var permission in stream.Permissions)
            {
                AccessDecision decision;
                try
                {
                    decision = await reviewer.ReviewAsync(stream.User, permission, freshness, token);
                }
                catch (AuthorizationUnavailableException e)
                {
                    var now = timeProvider.GetUtcNow();
                    stream.UnknownSince ??= now;
                    SessionsLog.ReauthorizationUnavailable(logger, stream.Kind, stream.User.Name, e.Message);
                    if (!settings.StreamReauthorizationFailOpen && now - stream.UnknownSince.Value >= settings.StreamReauthorizationGracePeriod)
                    {
                        Close(stream, new SessionEnd(SessionEnd.AuthorizationUnavailable, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"the stream could not be authorized again for {(now - stream.UnknownSince.Value).TotalSeconds:0}s: {e.Message}")));
                    }

                    return;
                }

                if (!decision.Allowed)
                {
                    Close(stream, new SessionEnd(SessionEnd.Forbidden, ForbiddenStatus.Message(stream.User, permission, decision.Reason)));
                    return;
                }
            }

            stream.UnknownSince = null;
        });
        metrics.ReauthorizationRound(timeProvider.GetElapsedTime(started));
    }

    /// <summary>Why the certificate is refused now, or null while it is accepted.</summary>
    private SessionEnd? Refusal(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var result = validator.Validate(certificate);
        return result.Succeeded
            ? null
            : new SessionEnd(EndedBy(result.Failure), result.Detail.Length > 0
                ? $"the client certificate is no longer accepted ({Words(result.Failure)}): {result.Detail}"
                : $"the client certificate is no longer accepted ({Words(result.Failure)})");
    }

    private bool Close(LiveStream stream, SessionEnd end)
    {
        if (!stream.Close(end))
        {
            return false;
        }

        SessionsLog.StreamEnded(logger, stream.Kind, stream.User.Name, end.EndedBy, end.Message);
        metrics.SessionEnded(stream.Kind, end.EndedBy);
        return true;
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> check, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await check(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // One failed round must not end the guard: the next one runs as usual.
                    SessionsLog.CheckFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The gateway is stopping.
        }
    }

    /// <summary><c>certificate-expired</c>, <c>certificate-unknown-authority</c>, ...: a label from the failure's name.</summary>
    private static string EndedBy(ClientCertificateFailure failure) => "certificate-" + Words(failure).Replace(' ', '-');

    private static string Words(ClientCertificateFailure failure)
    {
        var name = failure.ToString();
        var words = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }
}
