using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>
/// <c>workload hostile</c>: the web workload's listeners with <see cref="HostileRoutes"/>, plus a raw HTTPS listener
/// (<c>--raw-port</c>, default 9443) that writes its responses by hand, because Kestrel will not send what a hostile
/// server sends (it rewrites <c>Connection</c>): on <c>/connection-headers</c> a 200 whose <c>Connection</c> names
/// <c>X-Secret</c> and <c>Keep-Alive</c>, on <c>/upgrade-refused</c> a 400 carrying <c>Upgrade</c> and
/// <c>Connection: Upgrade</c>, on <c>/redirect-elsewhere</c> a 302 to the cloud metadata address; anything else is a 404. Every request head it reads is recorded for <c>/requests</c>.
/// </summary>
internal static class HostileWorkload
{
    private const int MaxHead = 64 * 1024;

    public static async Task<int> RunAsync(WorkloadArguments flags, CancellationToken stopping)
    {
        var rawPort = flags.Int("raw-port", 9443);
        var bind = IPAddress.Parse(flags.String("bind", Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1"));
        using var listener = new TcpListener(bind, rawPort);
        if (rawPort > 0)
        {
            listener.Start();
            _ = AcceptAsync(listener, WebWorkload.LoadCertificate("valid"), stopping);
        }

        return await WebWorkload.RunAsync(flags, HostileRoutes.Map, stopping);
    }

    private static async Task AcceptAsync(TcpListener listener, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client, certificate, stopping);
        }
    }

    private static async Task ServeAsync(TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken stopping)
    {
        using (client)
        {
            try
            {
                await using var ssl = new SslStream(client.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, stopping);
                var head = await ReadHeadAsync(ssl, stopping);
                if (head is null)
                {
                    return;
                }

                HostileRoutes.Record(head);
                var target = head.Split(' ', 3) is [_, var path, _] ? path : "";
                await ssl.WriteAsync(Encoding.ASCII.GetBytes(Response(target)), stopping);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // A client that goes away is not our concern.
            }
        }
    }

    private static string Response(string target)
    {
        static string With(string status, string headers, string body) =>
            $"HTTP/1.1 {status}\r\n{headers}Content-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}";
        return target switch
        {
            "/connection-headers" => With("200 OK", "Connection: X-Secret, Keep-Alive\r\nX-Secret: for-the-proxy-only\r\nKeep-Alive: timeout=5\r\nX-Visible: yes\r\n", "hop-by-hop headers named in Connection"),
            "/upgrade-refused" => With("400 Bad Request", "Connection: Upgrade, X-Secret\r\nUpgrade: websocket\r\nX-Secret: for-the-proxy-only\r\n", "no upgrade for you"),
            "/redirect-elsewhere" => With("302 Found", "Location: https://169.254.169.254/latest/meta-data/\r\n", "go there instead"),
            _ => With("404 Not Found", "", "not found"),
        };
    }

    /// <summary>The request head up to its blank line (bounded); null when the client sent none.</summary>
    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken stopping)
    {
        var buffer = new byte[MaxHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), stopping);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return Encoding.Latin1.GetString(buffer, 0, end);
            }
        }

        return null;
    }
}
