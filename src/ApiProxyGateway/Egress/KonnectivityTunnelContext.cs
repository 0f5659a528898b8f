using Grpc.Core;

namespace ApiProxyGateway.Egress;

/// <summary>What a tunnel needs from the dialer that opened it: its channel (to release, or retire when drained or broken), names and the log.</summary>
internal sealed class KonnectivityTunnelContext(KonnectivityChannels channels, KonnectivityChannel channel, string description, TimeProvider timeProvider, ILogger logger)
{
    public string Description => description;

    public TimeProvider TimeProvider => timeProvider;

    public KonnectivityChannel Channel => channel;

    /// <summary>
    /// A user-facing reason for a gRPC failure: the gateway's own connect error when that is the cause, else the
    /// innermost error (gRPC's own detail repeats every layer's message).
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Exception? innermost = null;
        for (var current = (exception as RpcException)?.Status.DebugException ?? exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is EgressException egress)
            {
                return egress.Message;
            }

            innermost = current;
        }

        return innermost?.Message ?? (exception is RpcException rpc
            ? $"{rpc.StatusCode}{(string.IsNullOrEmpty(rpc.Status.Detail) ? "" : $": {rpc.Status.Detail}")}"
            : exception.Message);
    }

    /// <summary>The server sent DRAIN: new dials go to a new connection.</summary>
    public void Draining()
    {
        if (channels.Retire(channel))
        {
            EgressLog.ServerDraining(logger, description, channel.Id);
        }
    }

    /// <summary>The connection failed: new dials go to a new one.</summary>
    public void Broken()
    {
        if (channels.Retire(channel))
        {
            EgressLog.ConnectionLost(logger, description, channel.Id);
        }
    }

    public void Release() => channel.Release();

    public void TunnelEnded(string address, long connectId, string reason) => EgressLog.TunnelEnded(logger, address, connectId, reason);

    public void CloseUnanswered(string address, long connectId, string reason) => EgressLog.CloseUnanswered(logger, address, connectId, reason);
}
