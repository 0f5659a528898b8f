using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Egress;

/// <summary>
/// A Konnectivity server on TCP (<c>transport.tcp.url</c>, https), reached with mutual TLS: its certificate must chain
/// to the selection's CA bundle only and name the URL's host (or <c>tlsServerName</c>); the gateway presents its
/// client certificate. Every certificate fault is named, as for any other upstream.
/// </summary>
internal sealed class TlsEgressServer(Uri url, string serverName, EgressTlsMaterial tls, TimeProvider timeProvider) : EgressServer
{
    public override string Address { get; } = url.GetLeftPart(UriPartial.Authority);

    public override string Transport => "tcp";

    public override async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        EndPoint endpoint = url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? new IPEndPoint(IPAddress.Parse(url.DnsSafeHost), url.Port)
            : new DnsEndPoint(url.IdnHost, url.Port);
        var socket = await ConnectSocketAsync(new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, endpoint, cancellationToken);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var check = new UpstreamCertificateCheck(new UpstreamTrust(tls.Authorities, serverName) { ClientCertificate = tls.ClientCertificateContext }, timeProvider.GetUtcNow());
        try
        {
            await ssl.AuthenticateAsClientAsync(check.ClientOptions(), cancellationToken);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new EgressException(EgressFailure.Unavailable, check.Failure != UpstreamTlsFailure.None
                ? $"the certificate of the Konnectivity server at {Address} was refused: {check.Detail}"
                : $"the TLS handshake with the Konnectivity server at {Address} failed: {e.Message}", e);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }
}
