using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Recording;

internal static partial class RecordingLog
{
    [LoggerMessage(EventIds.RecordingOff, LogLevel.Warning, "Sessions are not recorded: no recording directory is set (--recording-dir)")]
    public static partial void Off(ILogger logger);

    [LoggerMessage(EventIds.RecordingNotStarted, LogLevel.Error, "Could not start the recording of a {Subresource} session of user '{User}' in {Namespace}/{Pod} ({Outcome}): {Reason}")]
    public static partial void NotStarted(ILogger logger, string subresource, string user, string @namespace, string pod, string outcome, string reason);

    [LoggerMessage(EventIds.RecordingFailed, LogLevel.Error, "The recording {File} could not be written ({Outcome}): {Reason}")]
    public static partial void Failed(ILogger logger, string file, string outcome, string reason);

    [LoggerMessage(EventIds.RecordingRemoved, LogLevel.Information, "Removed the recording {File} ({Why})")]
    public static partial void Removed(ILogger logger, string file, string why);

    [LoggerMessage(EventIds.RecordingRetentionFailed, LogLevel.Warning, "Recording retention could not run; it tries again next time")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
