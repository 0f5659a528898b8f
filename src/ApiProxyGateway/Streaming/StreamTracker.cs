using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Follows one stream from the moment it is established (after the upstream's 101, or the first byte of a log)
/// to its end: the in-flight gauge, the finished counter, bytes by direction, and the closing log line.
/// </summary>
internal sealed class StreamTracker(GatewayMetrics metrics, ILogger logger, StreamContext stream)
{
    private string? _protocol;

    public string Kind { get; } = stream.Subresource switch
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
        metrics.StreamStarted(Kind, protocol);
    }

    public void Finished(PumpResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_protocol is null)
        {
            return;
        }

        metrics.StreamFinished(Kind, _protocol, result.EndedBy, result.BytesFromClient, result.BytesToClient);
        StreamingLog.StreamEnded(logger, stream.Subresource, _protocol, stream.Pod.Namespace, stream.Pod.Name, stream.Node.Name, result.BytesFromClient, result.BytesToClient, result.EndedBy);
    }
}
