using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Sessions;

internal static partial class SessionsLog
{
    [LoggerMessage(EventIds.SessionStreamEnded, LogLevel.Warning, "Ended a {Kind} stream of user '{User}' ({EndedBy}): {Reason}")]
    public static partial void StreamEnded(ILogger logger, string kind, string user, string endedBy, string reason);

    [LoggerMessage(EventIds.SessionConnectionEnded, LogLevel.Warning, "Closing the connections of the client certificate '{Subject}' ({EndedBy}): {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string subject, string endedBy, string reason);

    [LoggerMessage(EventIds.SessionReauthorizationUnavailable, LogLevel.Warning, "Could not re-authorize a {Kind} stream of user '{User}': {Reason}")]
    public static partial void ReauthorizationUnavailable(ILogger logger, string kind, string user, string reason);

    [LoggerMessage(EventIds.SessionReauthorizationSlow, LogLevel.Warning, "Re-authorizing {Streams} open streams ({Questions} questions) took {Elapsed}, longer than the interval {Interval}: the API server answers too slowly for this many streams, so each is re-authorized less often")]
    public static partial void ReauthorizationSlow(ILogger logger, int streams, int questions, TimeSpan elapsed, TimeSpan interval);

    [LoggerMessage(EventIds.SessionCheckFailed, LogLevel.Error, "A check of the open connections and streams failed; the next one runs as usual")]
    public static partial void CheckFailed(ILogger logger, Exception exception);
}
