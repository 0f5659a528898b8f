using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ApiProxyGateway.Bench.Arms;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// New connection per request: TCP connect, a full mTLS handshake (session resumption off), one small HTTP/1.1
/// request with <c>Connection: close</c>, read to the end. The request makes the server finish verifying the client
/// certificate (in TLS 1.3 the client is done before the server has checked it).
/// </summary>
internal static class HandshakeRunner
{
    public static async Task<(double PerSecond, long Errors, string Negotiated, string? FirstError)> RunAsync(Endpoint endpoint, string path, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var options = Clients.Ssl(endpoint, http2: false, allowResume: false);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {endpoint.TargetHost}\r\nUser-Agent: apiproxygateway-bench\r\nConnection: close\r\n\r\n");
        var target = endpoint.Dial;
        long done = 0, errors = 0;
        string negotiated = "", firstError = "";
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        async Task WorkerAsync()
        {
            var buffer = new byte[16 * 1024];
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(target, cancellationToken);
                    await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                    await tls.AuthenticateAsClientAsync(options, cancellationToken);
                    await tls.WriteAsync(request, cancellationToken);
                    var status = "";
                    int read;
                    while ((read = await tls.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        if (status.Length == 0)
                        {
                            status = Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 12));
                        }
                    }

                    if (!status.StartsWith("HTTP/1.1 2", StringComparison.Ordinal))
                    {
                        throw new IOException($"answer \"{status}\"");
                    }

                    if (negotiated.Length == 0)
                    {
                        negotiated = $"{tls.SslProtocol}, {tls.NegotiatedCipherSuite}";
                    }

                    Interlocked.Increment(ref done);
                }
                catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        firstError = e.Message;
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
        var seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        return (done / seconds, errors, negotiated, firstError.Length == 0 ? null : firstError);
    }
}
