using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Dials an upstream and completes a verified TLS handshake, turning every failure into an
/// <see cref="UpstreamConnectException"/> that says exactly what went wrong. Handshake times and failures are
/// measured by upstream kind (apiserver, kubelet, workload).
/// </summary>
internal sealed class UpstreamConnector(GatewayMetrics metrics, TimeProvider timeProvider)
{
    /// <summary>A connection to <paramref name="target"/> whose certificate passed <paramref name="trust"/> at the injected clock's time.</summary>
    public async Task<SslStream> ConnectAsync(string upstreamKind, string target, EndPoint endpoint, UpstreamTrust trust, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var check = new UpstreamCertificateCheck(trust, timeProvider.GetUtcNow());
        var started = timeProvider.GetTimestamp();
        try
        {
            var connected = await ConnectCoreAsync(target, endpoint, check.ClientOptions(), check, timeout, cancellationToken);
            metrics.UpstreamHandshake(upstreamKind, timeProvider.GetElapsedTime(started));
            return connected;
        }
        catch (UpstreamConnectException e)
        {
            metrics.UpstreamFailure(upstreamKind, e.Label);
            throw;
        }
    }

    private static async Task<SslStream> ConnectCoreAsync(
        string target,
        EndPoint endpoint,
        SslClientAuthenticationOptions tls,
        UpstreamCertificateCheck check,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw Describe(target, e, timeout, cancellationToken);
        }

        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, deadline.Token);
            return ssl;
        }
        catch (AuthenticationException e) when (check.Failure != UpstreamTlsFailure.None)
        {
            await ssl.DisposeAsync();
            throw new UpstreamConnectException(target, UpstreamFailure.TlsVerification, check.Failure, $"tls: failed to verify certificate: {check.Detail}", e);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            throw e is OperationCanceledException
                ? Describe(target, e, timeout, cancellationToken)
                : new UpstreamConnectException(target, UpstreamFailure.TlsHandshake, UpstreamTlsFailure.None, $"tls: handshake failed: {e.Message}", e);
        }
    }

    private static Exception Describe(string target, Exception e, TimeSpan timeout, CancellationToken callerToken)
    {
        if (e is OperationCanceledException)
        {
            return callerToken.IsCancellationRequested
                ? e
                : new UpstreamConnectException(target, UpstreamFailure.Timeout, UpstreamTlsFailure.None, $"timed out after {timeout.TotalSeconds:0.#}s", e);
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
