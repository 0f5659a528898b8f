using System.Net;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Net.Client;

namespace ApiProxyGateway.Egress;

/// <summary>
/// One gRPC connection to a Konnectivity server: an HTTP/2 connection over the server's socket (more if the server
/// caps concurrent streams) that carries one Proxy stream per tunnel. Retired when the server drains it or it breaks;
/// a retired channel takes no new tunnel and closes when its last one ends.
/// </summary>
internal sealed class KonnectivityChannel : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Lock _lock = new();
    private int _leases;
    private bool _retired;
    private bool _disposed;

    public KonnectivityChannel(EgressServer server, long id)
    {
        ArgumentNullException.ThrowIfNull(server);
        Id = id;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) => await server.ConnectAsync(cancellationToken),
            ConnectTimeout = TimeSpan.FromSeconds(30), // kube-apiserver's bound on reaching the server; each dial has its own, shorter one
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,

            // Past the server's stream limit a second connection opens rather than queueing dials behind tunnels.
            EnableMultipleHttp2Connections = true,

            // A server that stops answering (not just closing) is noticed while tunnels are open.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };

        // h2c: the authority is only a name for the :authority header; the connect callback decides where to go.
        _channel = GrpcChannel.ForAddress("http://konnectivity-server", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Client = new ProxyService.ProxyServiceClient(_channel);
    }

    /// <summary>Numbers the channels of one dialer, for logs.</summary>
    public long Id { get; }

    public ProxyService.ProxyServiceClient Client { get; }

    public bool IsRetired
    {
        get
        {
            lock (_lock)
            {
                return _retired;
            }
        }
    }

    /// <summary>Takes a share of the channel for one tunnel; false once it is retired.</summary>
    public bool TryLease()
    {
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            _leases++;
            return true;
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _leases--;
            CloseIfDone();
        }
    }

    /// <summary>No new tunnel on this channel; it closes once the open ones end. Returns false if it already was.</summary>
    public bool Retire()
    {
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            _retired = true;
            CloseIfDone();
            return true;
        }
    }

    public void Dispose() => Retire();

    private void CloseIfDone()
    {
        if (_retired && _leases == 0 && !_disposed)
        {
            _disposed = true;
            _channel.Dispose();
        }
    }
}
