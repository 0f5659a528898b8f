using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// The dialling side of konnectivity-server's HTTP CONNECT frontend, as kube-apiserver's egress dialer speaks it:
/// <c>CONNECT host:port HTTP/1.1</c>, then the 200's connection is the tunnel. The simulated API server reaches kubelets
/// this way in egress mode, and the tests use it.
/// </summary>
internal static class HttpConnectClient
{
    private const int MaximumHead = 16 * 1024;
    private const int MaximumErrorBody = 64 * 1024;

    /// <summary>A tunnel to <paramref name="target"/> (<c>host:port</c>) through the server's Unix domain socket.</summary>
    public static async Task<Stream> ConnectAsync(string socketPath, string target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return await TunnelAsync(new NetworkStream(socket, ownsSocket: true), socketPath, target, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A tunnel to <paramref name="target"/> through the server's TCP frontend, with mutual TLS.</summary>
    public static async Task<Stream> ConnectAsync(IPEndPoint server, SslClientAuthenticationOptions tls, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(server, cancellationToken);
            var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
            await stream.AuthenticateAsClientAsync(tls, cancellationToken);
            return await TunnelAsync(stream, server.ToString(), target, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the CONNECT on <paramref name="proxy"/>; the stream itself on 200, otherwise <see cref="HttpConnectException"/>.</summary>
    public static async Task<Stream> TunnelAsync(Stream proxy, string proxyName, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        try
        {
            await proxy.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: apiproxygateway-sandbox\r\n\r\n"), cancellationToken);
            var head = await ReadHeadAsync(proxy, cancellationToken);
            var statusLine = head.Split("\r\n", 2)[0].Split(' ', 3);
            if (statusLine.Length < 2 || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new IOException($"konnectivity-server answered CONNECT {target} with \"{head.Split("\r\n")[0]}\"");
            }

            if (status == 200)
            {
                return proxy;
            }

            throw new HttpConnectException(proxyName, target, status, string.Join(' ', statusLine[1..]), (await ReadBodyAsync(proxy, cancellationToken)).Trim());
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads up to the blank line byte by byte, so not one tunnel byte is consumed.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (head.Count > MaximumHead || await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("konnectivity-server closed the connection before it answered the CONNECT");
            }

            head.Add(one[0]);
        }

        return Encoding.Latin1.GetString([.. head]);
    }

    private static async Task<string> ReadBodyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while (body.Length < MaximumErrorBody && (read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            body.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(body.ToArray());
    }
}
