using System.Net;

namespace ApiProxyGateway.Egress;

/// <summary>
/// Opens a byte stream to <c>host:port</c> the way one egress selection says: directly, or through a Konnectivity
/// server. Whatever TLS the caller needs runs inside the stream, end to end with the target.
/// </summary>
internal interface IEgressDialer
{
    EgressProtocol Protocol { get; }

    /// <summary>How the Konnectivity server is reached, for metrics: <c>none</c>, <c>uds</c> or <c>tcp</c>.</summary>
    string Transport { get; }

    /// <summary>The egress for messages, for example <c>the Konnectivity server (GRPC over unix:/run/konnectivity.sock)</c>.</summary>
    string Description { get; }

    /// <summary>
    /// A connected stream to <paramref name="destination"/>. Direct dials fail with a <see cref="System.Net.Sockets.SocketException"/>
    /// as a socket would; dials through a Konnectivity server with an <see cref="EgressException"/>. Cancelling
    /// <paramref name="cancellationToken"/> withdraws the dial.
    /// </summary>
    ValueTask<Stream> DialAsync(EndPoint destination, CancellationToken cancellationToken);

    /// <summary>Null when the Konnectivity server accepts connections now (always, for direct); otherwise why not.</summary>
    ValueTask<string?> ProbeAsync(CancellationToken cancellationToken);
}
