using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Egress;

/// <summary>Where a Konnectivity server listens, and how to open one connection to it.</summary>
internal abstract class EgressServer
{
    /// <summary>For messages: <c>unix:/path/to.socket</c> or <c>https://host:port</c>.</summary>
    public abstract string Address { get; }

    /// <summary>For metrics: <c>uds</c> or <c>tcp</c>.</summary>
    public abstract string Transport { get; }

    /// <summary>A connection to the server (TLS done, for TCP); an <see cref="EgressException"/> when there is none.</summary>
    public abstract ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Null when the server accepts a connection now; otherwise why not.</summary>
    public async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectAsync(cancellationToken);
            return null;
        }
        catch (EgressException e)
        {
            return e.Message;
        }
    }

    /// <summary>A socket connected to <paramref name="endpoint"/> (disposed if it cannot be), or an <see cref="EgressException"/> saying why not.</summary>
    protected async Task<Socket> ConnectSocketAsync(Socket socket, EndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when endpoint is UnixDomainSocketEndPoint => "no socket at that path",
                SocketError.TimedOut => "connection timed out",
                _ => e.Message,
            };
            throw new EgressException(EgressFailure.Unavailable, $"cannot connect to {Address}: {reason}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
