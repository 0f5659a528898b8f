using System.Net.Security;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// What one pool's target answered when its connections offered h2. Once a target has answered with http/1.1 (or
/// nothing), SocketsHttpHandler sends that pool's HTTP/2 requests over HTTP/1.1 for the pool's life, so the pool's
/// later connections must not offer h2 again: a target that accepted it then would get HTTP/1.1 bytes.
/// </summary>
internal sealed class AlpnChoice
{
    private volatile bool _http11Chosen;

    /// <summary>Whether a new connection, asked for by a request that <paramref name="requestAllowsHttp2"/>, offers h2.</summary>
    public bool Offer(bool requestAllowsHttp2) => requestAllowsHttp2 && !_http11Chosen;

    /// <summary>Records the target's answer to a connection that <paramref name="offered"/> h2.</summary>
    public void Observe(bool offered, SslStream connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (offered && connection.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
        {
            _http11Chosen = true;
        }
    }
}
