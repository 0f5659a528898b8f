using ApiProxyGateway.Telemetry;
namespace ApiProxyGateway.Streaming;

/// <summary>Streaming log messages (event ids 700–799).</summary>
internal static partial class StreamingLog
{
    [LoggerMessage(EventIds.StreamEnded, LogLevel.Information, "{Subresource} stream ({Protocol}) to {Namespace}/{Pod} on node {Node} ended by {EndedBy}: {BytesIn} bytes in, {BytesOut} bytes out")]
    public static partial void StreamEnded(ILogger logger, PodSubresource subresource, string protocol, string @namespace, string pod, string node, long bytesIn, long bytesOut, string endedBy);

    [LoggerMessage(EventIds.KubeletUnreachable, LogLevel.Warning, "Could not reach the kubelet for {Subresource} of {Namespace}/{Pod}: {Reason}")]
    public static partial void KubeletUnreachable(ILogger logger, PodSubresource subresource, string @namespace, string pod, string reason);

    [LoggerMessage(EventIds.StreamProtocolViolation, LogLevel.Warning, "{Subresource} stream of {Namespace}/{Pod} ended because the {Side} broke the stream protocol: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, PodSubresource subresource, string @namespace, string pod, string side, string reason);
}
