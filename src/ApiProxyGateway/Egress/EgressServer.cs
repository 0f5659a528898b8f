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

    protected EgressException Unreachable(SocketException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var reason = e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when Transport == "uds" => "no socket at that path",
            SocketError.TimedOut => "connection timed out",
            _ => e.Message,
        };
        return new EgressException(EgressFailure.Unavailable, $"cannot connect to {Address}: {reason}", e);
    }
}
