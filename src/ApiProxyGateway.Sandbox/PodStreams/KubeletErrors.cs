using System.Net.Sockets;
using System.Security.Authentication;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>How kube-apiserver reports a kubelet it could not use: Go's error text in a Status.</summary>
internal static class KubeletErrors
{
    /// <summary>
    /// Go's wording for a failed dial or handshake (<c>dial tcp …: connect: connection refused</c>, <c>tls: failed to
    /// verify certificate: …</c>), or kube-apiserver's for a refused konnectivity CONNECT.
    /// </summary>
    public static string Describe(Exception exception, Uri kubelet)
    {
        var dial = $"dial tcp {kubelet.Authority}";
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpConnectException connect:
                    // kube-apiserver's HTTPConnect egress dialer keeps only the status line, not the proxy's reason.
                    return $"proxy error from {connect.Proxy} while dialing {kubelet.Authority}, code {connect.StatusCode}: {connect.Status}";
                case AuthenticationException tls:
                    return $"tls: failed to verify certificate: {tls.Message}";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"{dial}: connect: connection refused";
                case SocketException socket:
                    return $"{dial}: {socket.Message}";
                case TimeoutException or TaskCanceledException:
                    return $"{dial}: i/o timeout";
            }
        }

        return exception.Message;
    }

    /// <summary>A non-2xx kubelet answer as kube-apiserver's generic response checker turns it into a Status.</summary>
    public static async Task WriteResponseAsync(HttpContext http, HttpResponseMessage response)
    {
        var body = (await response.Content.ReadAsStringAsync(http.RequestAborted)).Trim();
        var code = (int)response.StatusCode;
        var (reason, message) = code switch
        {
            500 => ("InternalError", $"Internal error occurred: {body}"),
            400 => ("BadRequest", body),
            401 => ("Unauthorized", body),
            403 => ("Forbidden", body),
            404 => ("NotFound", body),
            _ => ("", body),
        };
        await ApiResponses.WriteStatusAsync(http, code, reason, message);
    }
}
