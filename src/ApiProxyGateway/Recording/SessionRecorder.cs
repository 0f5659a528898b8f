using System.Collections.Concurrent;
using System.Globalization;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Recording;

/// <summary>
/// Starts the recordings the policy asks for (<see cref="RecordingOptions"/>): one file per session, named after its
/// start, namespace, pod and audit ID, readable by the gateway's user only. A recording that cannot be created, or
/// stops being writable, fails the session when recording is required, and is logged and counted either way.
/// </summary>
internal sealed class SessionRecorder(IOptions<RecordingOptions> options, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<SessionRecorder> logger)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ConcurrentDictionary<string, byte> _open = new(StringComparer.Ordinal);

    /// <summary>The names of the recordings being written now (retention leaves them alone).</summary>
    public ICollection<string> Open => _open.Keys;

    /// <summary>
    /// The recording of the session <paramref name="header"/> describes, or null when the policy records none.
    /// <paramref name="failed"/> runs once if writing it fails later, with the message to end the session with, or
    /// null when the session may go on unrecorded.
    /// </summary>
    /// <exception cref="RecordingUnavailableException">Recording is required and the file cannot be created.</exception>
    public SessionRecording? Start(RecordingHeader header, Action<string?> failed)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(failed);
        var settings = options.Value;
        var mode = settings.ModeFor(header.Namespace);
        if (settings.Directory is not { } directory || mode == RecordingMode.None || (mode == RecordingMode.Tty && !header.Tty))
        {
            return null;
        }

        RecordingFormat format = header.Tty ? new AsciicastFormat() : new JsonLinesFormat();
        var label = format.Extension.TrimStart('.');
        var name = FileName(header, format);
        FileStream file;
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 64 * 1024 };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = OwnerOnly;
            }

            file = new FileStream(Path.Combine(directory, name), create);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var outcome = settings.Required ? "session refused" : "session not recorded";
            RecordingLog.NotStarted(logger, header.Subresource, header.User, header.Namespace, header.Pod, outcome, e.Message);
            metrics.RecordingFinished(label, started: false, "failed", 0);
            if (settings.Required)
            {
                throw new RecordingUnavailableException("session recording is required and the recording cannot be written (see the gateway's log); try again later or ask the cluster operator");
            }

            return null;
        }

        _open[name] = 0;
        metrics.RecordingStarted(label);
        return new SessionRecording(name, file, format, header, settings, timeProvider, (recording, e) =>
        {
            var outcome = settings.Required ? "session ended" : "session goes on unrecorded";
            RecordingLog.Failed(logger, recording.FileName, outcome, e.Message);
            failed(!settings.Required ? null
                : e is RecordingGapException ? $"the session can no longer be recorded ({e.Message}), and recording is required"
                : "the session recording could not be written, and recording is required");
        });
    }

    /// <summary>
    /// Completes and closes <paramref name="recording"/>; returns its SHA-256 (hex), or null if it failed. A recording
    /// not to be kept (its stream never started: the kubelet refused it) is removed.
    /// </summary>
    public string? Finish(SessionRecording recording, bool keep)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var sha256 = recording.Complete();
        recording.Dispose();
        if (!keep && options.Value.Directory is { } directory)
        {
            try
            {
                File.Delete(Path.Combine(directory, recording.FileName));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RecordingLog.Failed(logger, recording.FileName, "not removed", e.Message);
            }
        }

        if (_open.TryRemove(recording.FileName, out _))
        {
            metrics.RecordingFinished(recording.FormatLabel, started: true, !keep ? "discarded" : recording.Failure is null ? "complete" : "failed", recording.BytesWritten);
        }

        return keep ? sha256 : null;
    }

    /// <summary>
    /// <c>20261204T231500Z-NAMESPACE-POD-AUDITID.cast</c>: sorts by time, says whose pod, and leads to the audit event.
    /// Every part is a Kubernetes name or the gateway's own ID; anything else is replaced, so no path can be built, and
    /// each is cut so that the name stays within the 255 bytes a file name may have (a pod name may have 253).
    /// </summary>
    private string FileName(RecordingHeader header, RecordingFormat format) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeProvider.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Safe(header.Namespace, 63)}-{Safe(header.Pod, 100)}-{Safe(header.AuditId, 64)}{format.Extension}");

    private static string Safe(string part, int max) =>
        string.Create(Math.Min(part.Length, max), part, (span, value) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = value[i];
                span[i] = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' && !(i == 0 && c == '.') ? c : '_';
            }
        });
}
