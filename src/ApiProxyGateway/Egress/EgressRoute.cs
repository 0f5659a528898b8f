using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Egress;

/// <summary>One egress selection in use (<c>cluster</c> or <c>controlplane</c>): its dialer, measured.</summary>
internal sealed class EgressRoute(string selection, IEgressDialer dialer, GatewayMetrics metrics, TimeProvider timeProvider)
{
    public string Selection => selection;

    public IEgressDialer Dialer => dialer;

    public bool IsDirect => dialer.Protocol == EgressProtocol.Direct;

    /// <summary>For messages: how this selection's connections are made.</summary>
    public string Description => dialer.Description;

    /// <summary>The <c>apiproxygateway.io/egress</c> audit annotation of requests that went this way; null when direct.</summary>
    public string? AuditName => IsDirect ? null : Label(dialer.Protocol);

    public static string Label(EgressProtocol protocol) => protocol switch
    {
        EgressProtocol.HttpConnect => "httpconnect",
        EgressProtocol.Grpc => "grpc",
        _ => "direct",
    };

    public async ValueTask<Stream> DialAsync(EndPoint destination, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var result = "error";
        try
        {
            var stream = await dialer.DialAsync(destination, cancellationToken);
            result = "success";
            return stream;
        }
        catch (EgressException e)
        {
            result = e.Failure switch
            {
                EgressFailure.Unavailable => "unavailable",
                EgressFailure.NoAgent => "no_agent",
                EgressFailure.TimedOut => "timeout",
                _ => "refused",
            };
            throw;
        }
        catch (SocketException e)
        {
            result = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "refused",
                SocketError.TimedOut => "timeout",
                _ => "unreachable",
            };
            throw;
        }
        catch (OperationCanceledException)
        {
            // The dial's deadline passed, or the request that needed it went away.
            result = "canceled";
            throw;
        }
        finally
        {
            metrics.EgressDial(selection, Label(dialer.Protocol), dialer.Transport, result, timeProvider.GetElapsedTime(started));
        }
    }
}
