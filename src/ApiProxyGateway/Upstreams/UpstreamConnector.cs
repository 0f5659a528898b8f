using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Dials an upstream through its egress (directly, or through a Konnectivity server) and completes a verified TLS
/// handshake end to end with it, turning every failure into an <see cref="UpstreamConnectException"/> that says
/// exactly what went wrong. Handshake times and failures are measured by upstream kind (apiserver, kubelet, workload);
/// with tracing on, the connection is a span with the dial and the handshake as its children.
/// </summary>
internal sealed class UpstreamConnector(EgressSelector egress, GatewayMetrics metrics, TimeProvider timeProvider)
{
    /// <summary>
    /// A connection to <paramref name="target"/> whose certificate passed <paramref name="trust"/> at the injected
    /// clock's time. With <paramref name="offerHttp2"/>, ALPN offers h2 as well as http/1.1, and the caller reads the
    /// server's choice from the stream.
    /// </summary>
    public async Task<SslStream> ConnectAsync(string upstreamKind, string target, EndPoint endpoint, UpstreamTrust trust, TimeSpan timeout, CancellationToken cancellationToken, bool offerHttp2 = false)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var check = new UpstreamCertificateCheck(trust, timeProvider.GetUtcNow());
        var started = timeProvider.GetTimestamp();
        var route = Route(upstreamKind);
        using var span = StartConnectSpan(upstreamKind, target, route);
        try
        {
            var connected = await ConnectCoreAsync(route, target, endpoint, check.ClientOptions(offerHttp2), check, timeout, cancellationToken);
            metrics.UpstreamHandshake(upstreamKind, timeProvider.GetElapsedTime(started));
            return connected;
        }
        catch (UpstreamConnectException e)
        {
            metrics.UpstreamFailure(upstreamKind, e.Label);
            GatewayActivities.Failed(span, e.Label);
            throw;
        }
    }

    /// <summary>A plain connection, for the http:// targets of pods/services proxy (the only upstreams without TLS).</summary>
    public async Task<Stream> ConnectPlainAsync(string upstreamKind, string target, EndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var time = new CancellationTokenSource(timeout, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, time.Token);
        var route = Route(upstreamKind);
        using var span = StartConnectSpan(upstreamKind, target, route);
        try
        {
            return await DialAsync(route, target, endpoint, timeout, deadline.Token, cancellationToken);
        }
        catch (UpstreamConnectException e)
        {
            metrics.UpstreamFailure(upstreamKind, e.Label);
            GatewayActivities.Failed(span, e.Label);
            throw;
        }
    }

    private static Activity? StartConnectSpan(string upstreamKind, string target, EgressRoute route)
    {
        var span = GatewayActivities.Source.StartActivity(GatewayActivities.UpstreamConnect, ActivityKind.Internal);
        span?.SetTag("apiproxygateway.upstream", upstreamKind);
        span?.SetTag("apiproxygateway.upstream.target", GatewayActivities.Capped(target));
        span?.SetTag("apiproxygateway.egress", route.AuditName ?? "direct");
        return span;
    }

    /// <summary>The API server is reached through the control-plane egress; kubelets and workloads through the cluster's.</summary>
    private EgressRoute Route(string upstreamKind) => upstreamKind == "apiserver" ? egress.ControlPlane : egress.Cluster;

    private async Task<SslStream> ConnectCoreAsync(
        EgressRoute route,
        string target,
        EndPoint endpoint,
        SslClientAuthenticationOptions tls,
        UpstreamCertificateCheck check,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var time = new CancellationTokenSource(timeout, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, time.Token);
        var connection = await DialAsync(route, target, endpoint, timeout, deadline.Token, cancellationToken);
        var ssl = new SslStream(connection, leaveInnerStreamOpen: false);
        using var span = GatewayActivities.Source.StartActivity(GatewayActivities.TlsHandshake, ActivityKind.Internal);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, deadline.Token);
            IdleTlsBuffers.Release(ssl); // before the caller reads or writes it
            span?.SetTag("tls.protocol.version", ssl.SslProtocol.ToString());
            span?.SetTag("tls.server.name", GatewayActivities.Capped(tls.TargetHost ?? ""));
            if (ssl.NegotiatedApplicationProtocol.Protocol.Length > 0)
            {
                span?.SetTag("tls.next_protocol", ssl.NegotiatedApplicationProtocol.ToString());
            }

            return ssl;
        }
        catch (AuthenticationException e) when (check.Failure != UpstreamTlsFailure.None)
        {
            await ssl.DisposeAsync();
            GatewayActivities.Failed(span, check.Failure.ToString());
            throw new UpstreamConnectException(target, UpstreamFailure.TlsVerification, check.Failure, $"tls: failed to verify certificate: {check.Detail}", e);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            GatewayActivities.Failed(span, e is OperationCanceledException ? "Timeout" : "TlsHandshake");
            throw e is OperationCanceledException
                ? Describe(route, target, e, timeout, cancellationToken)
                : new UpstreamConnectException(target, UpstreamFailure.TlsHandshake, UpstreamTlsFailure.None, $"tls: handshake failed: {e.Message}", e);
        }
    }

    private static async Task<Stream> DialAsync(EgressRoute route, string target, EndPoint endpoint, TimeSpan timeout, CancellationToken deadline, CancellationToken callerToken)
    {
        using var span = GatewayActivities.Source.StartActivity(GatewayActivities.EgressDial, ActivityKind.Internal);
        try
        {
            return await route.DialAsync(endpoint, deadline);
        }
        catch (EgressException e)
        {
            GatewayActivities.Failed(span, e.Failure.ToString());
            var failure = e.Failure switch
            {
                EgressFailure.Unavailable or EgressFailure.NoAgent => UpstreamFailure.EgressUnavailable,
                EgressFailure.TimedOut => UpstreamFailure.Timeout,
                _ => UpstreamFailure.EgressRefused,
            };
            throw new UpstreamConnectException(target, failure, UpstreamTlsFailure.None, e.Message, e);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            GatewayActivities.Failed(span, e is SocketException socket ? socket.SocketErrorCode.ToString() : "Canceled");
            throw Describe(route, target, e, timeout, callerToken);
        }
    }

    private static Exception Describe(EgressRoute route, string target, Exception e, TimeSpan timeout, CancellationToken callerToken)
    {
        if (e is OperationCanceledException)
        {
            var through = route.IsDirect ? "" : $" (through {route.Description})";
            return callerToken.IsCancellationRequested
                ? e
                : new UpstreamConnectException(target, UpstreamFailure.Timeout, UpstreamTlsFailure.None, $"timed out after {timeout.TotalSeconds:0.#}s{through}", e);
        }

        var socketError = ((SocketException)e).SocketErrorCode;
        return socketError switch
        {
            SocketError.ConnectionRefused => new UpstreamConnectException(target, UpstreamFailure.Refused, UpstreamTlsFailure.None, "connection refused", e),
            SocketError.TimedOut => new UpstreamConnectException(target, UpstreamFailure.Timeout, UpstreamTlsFailure.None, "connection timed out", e),
            _ => new UpstreamConnectException(target, UpstreamFailure.Unreachable, UpstreamTlsFailure.None, $"unreachable: {socketError}", e),
        };
    }
}
