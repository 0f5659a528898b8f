using System.Net;
using System.Net.Http.Headers;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The client side of the SPDY/3.1 upgrade (what client-go's SPDY round-tripper does): an HTTP/1.1 request with
/// <c>Upgrade: SPDY/3.1</c> and the offered <c>X-Stream-Protocol-Version</c>s; on 101 the response stream that
/// <see cref="SocketsHttpHandler"/> returns is the raw duplex connection, and a client-role session runs on it.
/// </summary>
public static class SpdyUpgrade
{
    /// <summary>
    /// Sends <paramref name="request"/> as an upgrade and returns the session and the protocol the server chose.
    /// Throws <see cref="HttpRequestException"/> (with the status) when the server does not switch protocols.
    /// Use a handler with <c>AllowAutoRedirect = false</c>: following a kubelet's redirect on an upgrade is
    /// CVE-2020-8559.
    /// </summary>
    public static async Task<(SpdySession Session, string Protocol)> ConnectAsync(
        HttpMessageInvoker invoker, HttpRequestMessage request, IEnumerable<string> protocols, SpdySessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(request);
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("SPDY", "3.1"));

        // HttpClient writes the values comma-joined on one line; kube-apiserver and kubelets split commas since 1.19.
        request.Headers.TryAddWithoutValidation(StreamProtocols.ProtocolVersionHeader, protocols);

        var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.SwitchingProtocols
            || !response.Headers.Upgrade.Any(u => string.Equals(u.ToString(), StreamProtocols.SpdyUpgrade, StringComparison.OrdinalIgnoreCase)))
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"The server did not upgrade to {StreamProtocols.SpdyUpgrade} (HTTP {(int)status}).", null, status);
        }

        var protocol = response.Headers.TryGetValues(StreamProtocols.ProtocolVersionHeader, out var chosen) ? chosen.FirstOrDefault() ?? "" : "";
        var transport = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return (SpdySession.CreateClient(transport, options), protocol);
    }
}
