using System.Diagnostics;
using System.Globalization;
using ApiProxyGateway.Audit;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Follows one stream from the moment it is established (after the upstream's 101, or the first byte of a log)
/// to its end: the in-flight gauge, the finished counter, bytes by direction, the closing log line and, with tracing
/// on, the relay's span.
/// </summary>
internal sealed class StreamTracker(GatewayMetrics metrics, AuditRecorder audit, KubeletClientPool kubelets, TimeProvider timeProvider, ILogger logger, StreamContext stream)
{
    private string? _protocol;
    private long _started;
    private Activity? _span;

    /// <summary>The command's exit code, when the relay could see it (translated streams).</summary>
    public int? ExitCode { get; set; }

    public string Kind { get; } = KindOf(stream.Subresource);

    /// <summary>The stream was established (a relay called <see cref="Started"/>).</summary>
    public bool IsStarted => _protocol is not null;

    /// <summary>The metric label of a pod stream: logs, exec, attach or portforward.</summary>
    public static string KindOf(PodSubresource subresource) => subresource switch
    {
        PodSubresource.Log => "logs",
        PodSubresource.Exec => "exec",
        PodSubresource.Attach => "attach",
        _ => "portforward",
    };

    /// <summary>The stream is up, speaking <paramref name="protocol"/> (spdy, websocket-v5, websocket-v4, tunnel, bridged, translated, http).</summary>
    public void Started(string protocol)
    {
        _protocol = protocol;
        _started = timeProvider.GetTimestamp();
        _span = GatewayActivities.Source.StartActivity(GatewayActivities.Relay, ActivityKind.Internal);
        _span?.SetTag("apiproxygateway.stream.kind", Kind);
        _span?.SetTag("apiproxygateway.stream.protocol", protocol);
        metrics.StreamStarted(Kind, protocol);
        var entry = stream.Http.Features.Get<AuditEntry>();
        entry?.Annotate(AuditEntry.ProtocolAnnotation, protocol);
        entry?.Annotate(AuditEntry.UpstreamCertificateAnnotation, kubelets.PeerCertificateSha256(stream.Target));
        audit.StreamStarted(stream.Http, stream.Subresource == PodSubresource.Log ? StatusCodes.Status200OK : StatusCodes.Status101SwitchingProtocols);
    }

    public void Finished(PumpResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_protocol is null)
        {
            return;
        }

        // A relay sees only its Closing token, so a stream cut at the end of the drain can look to it as if the
        // client left (a log) or as a failure (a translated exec): the outcome is the shutdown's.
        // Likewise a stream the session guard ended: the relay saw its Closing token, the guard knows why.
        var endedBy = stream.EndedByGateway is { } gateway ? gateway.EndedBy
            : stream.ShuttingDown.IsCancellationRequested && result.EndedBy is "client" or "error" ? "shutdown" : result.EndedBy;
        metrics.StreamFinished(Kind, _protocol, endedBy, result.BytesFromClient, result.BytesToClient);
        if (_span is { } span)
        {
            span.SetTag("apiproxygateway.stream.ended_by", endedBy);
            span.SetTag("apiproxygateway.stream.bytes_in", result.BytesFromClient);
            span.SetTag("apiproxygateway.stream.bytes_out", result.BytesToClient);
            span.Dispose();
            _span = null;
        }

        if (stream.Http.Features.Get<AuditEntry>() is { } entry)
        {
            entry.Annotate(AuditEntry.BytesInAnnotation, result.BytesFromClient.ToString(CultureInfo.InvariantCulture));
            entry.Annotate(AuditEntry.BytesOutAnnotation, result.BytesToClient.ToString(CultureInfo.InvariantCulture));
            entry.Annotate(AuditEntry.DurationAnnotation, timeProvider.GetElapsedTime(_started).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            entry.Annotate(AuditEntry.EndedByAnnotation, endedBy);
            entry.Annotate(AuditEntry.ExitCodeAnnotation, ExitCode?.ToString(CultureInfo.InvariantCulture));
        }

        StreamingLog.StreamEnded(logger, stream.Subresource, _protocol, stream.Pod.Namespace, stream.Pod.Name, stream.Node.Name, result.BytesFromClient, result.BytesToClient, endedBy);
    }

    /// <summary>Ends the relay's span if the relay ended without <see cref="Finished"/> (it threw).</summary>
    public void Abandoned()
    {
        if (_span is { } span)
        {
            GatewayActivities.Failed(span, "RelayFailed");
            span.Dispose();
            _span = null;
        }
    }
}
