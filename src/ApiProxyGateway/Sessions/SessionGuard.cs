using System.Collections.Concurrent;
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
    /// <summary>Re-authorizations in flight at once: the pace, not this, sets the rate; it bounds what a slow API server holds.</summary>
    private const int ReviewParallelism = 8;

    /// <summary>
    /// The share of the interval a round's questions are spread over: the rest is room for a slow API server before
    /// the next round is due.
    /// </summary>
    private const double PacedShareOfInterval = 0.5;

    /// <summary>Time a stream is given to tell its client why before its connection is cut under it.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(4);

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

    /// <summary>
    /// Authorizes every open stream again. Streams that were authorized with the same question (user and permission)
    /// share one answer, and the questions are spread evenly over the first <see cref="PacedShareOfInterval"/> of the
    /// interval with at most <see cref="ReviewParallelism"/> in flight (<see cref="PacedRound"/>): 10,000 open streams
    /// cost the API server one review per distinct question per interval, as a trickle. Only an answer given during
    /// this round counts (the review cache shares it with requests asking the same meanwhile); one from an earlier
    /// round may predate a RoleBinding deleted since. Questions keep their place from round to round, so each is
    /// asked about once an interval.
    /// </summary>
    internal async Task ReauthorizeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = timeProvider.GetTimestamp();
        var questions = StreamQuestion.Of(sessions.Streams.Where(s => s.End is null));
        var unanswered = new ConcurrentDictionary<LiveStream, byte>();
        await PacedRound.RunAsync(questions, settings.StreamReauthorizationInterval * PacedShareOfInterval, ReviewParallelism, timeProvider, async (question, token) =>
        {
            var open = question.Streams.Where(s => s.End is null && sessions.IsOpen(s)).ToList();
            if (open.Count == 0)
            {
                return; // ended since the round began
            }

            AccessDecision decision;
            try
            {
                decision = await reviewer.ReviewAsync(question.User, question.Permission, timeProvider.GetElapsedTime(started), token);
            }
            catch (AuthorizationUnavailableException e)
            {
                foreach (var stream in open)
                {
                    unanswered[stream] = 0;
                    Unanswered(stream, e.Message, settings);
                }

                return;
            }

            if (!decision.Allowed)
            {
                foreach (var stream in open)
                {
                    Close(stream, new SessionEnd(SessionEnd.Forbidden, ForbiddenStatus.Message(stream.User, question.Permission, decision.Reason)));
                }
            }
        }, cancellationToken);

        var streams = questions.SelectMany(q => q.Streams).Distinct().ToList();
        foreach (var stream in streams.Where(s => !unanswered.ContainsKey(s)))
        {
            stream.UnknownSince = null;
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        metrics.ReauthorizationRound(elapsed);
        if (elapsed > settings.StreamReauthorizationInterval)
        {
            SessionsLog.ReauthorizationSlow(logger, streams.Count, questions.Count, elapsed, settings.StreamReauthorizationInterval);
        }
    }

    /// <summary>The API server could not answer for the stream: it is closed once that has lasted the grace period, unless the settings say fail open.</summary>
    private void Unanswered(LiveStream stream, string reason, SessionGuardOptions settings)
    {
        var now = timeProvider.GetUtcNow();
        stream.UnknownSince ??= now;
        SessionsLog.ReauthorizationUnavailable(logger, stream.Kind, stream.User.Name, reason);
        if (!settings.StreamReauthorizationFailOpen && now - stream.UnknownSince.Value >= settings.StreamReauthorizationGracePeriod)
        {
            Close(stream, new SessionEnd(SessionEnd.AuthorizationUnavailable, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the stream could not be authorized again for {(now - stream.UnknownSince.Value).TotalSeconds:0}s: {reason}")));
        }
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

    /// <summary>Ends <paramref name="stream"/> for <paramref name="end"/>, logged and counted; false if it was ended already.</summary>
    public bool Close(LiveStream stream, SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(end);
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
