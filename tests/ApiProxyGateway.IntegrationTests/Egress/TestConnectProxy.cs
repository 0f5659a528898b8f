using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// A real HTTP CONNECT proxy, as a Konnectivity server in HTTPConnect mode is one: on a Unix domain socket, or on
/// loopback TCP with TLS that requires a client certificate. It dials the requested address and relays bytes, or
/// answers with <see cref="Refusal"/> (then closes, as konnectivity-server does), and records what it was asked.
/// </summary>
internal sealed class TestConnectProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2? _clientAuthority;
    private readonly CancellationTokenSource _stop = new(); // not disposed: it says whether the proxy was stopped
    private readonly Task _accepting;
    private readonly ConcurrentBag<Task> _connections = [];

    private TestConnectProxy(Socket listener, X509Certificate2? certificate, X509Certificate2? clientAuthority)
    {
        _listener = listener;
        _certificate = certificate;
        _clientAuthority = clientAuthority;
        _accepting = AcceptAsync();
    }

    /// <summary>Each request's first line, in arrival order.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    /// <summary>The subjects of the client certificates presented (TLS only).</summary>
    public ConcurrentQueue<string> ClientSubjects { get; } = new();

    /// <summary>When set, the raw answer to every CONNECT instead of a tunnel.</summary>
    public string? Refusal { get; set; }

    /// <summary>The server certificate; replace it to rotate (new handshakes use it).</summary>
    public X509Certificate2? Certificate { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static TestConnectProxy OnUnixSocket(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        return new TestConnectProxy(listener, null, null);
    }

    public static TestConnectProxy OnTls(X509Certificate2 certificate, X509Certificate2 clientAuthority)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return new TestConnectProxy(listener, certificate, clientAuthority) { Certificate = certificate };
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return; // already stopped by the test
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        await Task.WhenAll(_connections);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                _connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = Certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => ValidateClient(certificate),
                }, _stop.Token);
                ClientSubjects.Enqueue(ssl.RemoteCertificate!.Subject);
            }

            var head = await ReadHeadAsync(stream, _stop.Token);
            var requestLine = head.Split("\r\n")[0];
            RequestLines.Enqueue(requestLine);
            if (Refusal is { } refusal)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(refusal), _stop.Token);
                return;
            }

            var authority = requestLine.Split(' ')[1];
            using var target = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var colon = authority.LastIndexOf(':');
            await target.ConnectAsync(IPAddress.Parse(authority[..colon].Trim('[', ']')), int.Parse(authority[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), _stop.Token);
            await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _stop.Token);
            await using var upstream = new NetworkStream(target, ownsSocket: false);
            await Task.WhenAny(stream.CopyToAsync(upstream, _stop.Token), upstream.CopyToAsync(stream, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // The client went away, the handshake failed, or the proxy is stopping.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private bool ValidateClient(X509Certificate? certificate)
    {
        if (certificate is null || _clientAuthority is null)
        {
            return false;
        }

        using var chain = new X509Chain { ChainPolicy = ApiProxyGateway.Tls.ClientChainPolicy.Create([_clientAuthority], DateTimeOffset.UtcNow) };
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("the client closed before its request head ended");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
