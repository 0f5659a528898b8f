using System.Net;

namespace ApiProxyGateway.Egress;

/// <summary>
/// <c>proxyProtocol: HTTPConnect</c>: one connection to the Konnectivity server per dial (a UDS, or TCP with mutual
/// TLS), turned into a tunnel to the target with HTTP CONNECT.
/// </summary>
internal sealed class HttpConnectDialer(EgressServer server, TimeProvider timeProvider) : IEgressDialer
{
    public EgressProtocol Protocol => EgressProtocol.HttpConnect;

    public string Transport => server.Transport;

    public string Description { get; } = $"the Konnectivity server (HTTPConnect over {server.Address})";

    public async ValueTask<Stream> DialAsync(EndPoint destination, CancellationToken cancellationToken)
    {
        var authority = EgressAddress.Format(destination);
        Stream connection;
        try
        {
            connection = await server.ConnectAsync(cancellationToken);
        }
        catch (EgressException e)
        {
            throw new EgressException(e.Failure, $"{Description} is not reachable: {e.Message}", e);
        }

        try
        {
            await HttpConnectHandshake.RunAsync(connection, authority, Description, timeProvider, cancellationToken);
            return connection;
        }
        catch (IOException e) when (e is not EgressException)
        {
            await connection.DisposeAsync();
            throw new EgressException(EgressFailure.Unavailable, $"{Description} dropped the connection while answering CONNECT {authority}: {e.Message}", e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask<string?> ProbeAsync(CancellationToken cancellationToken) => server.ProbeAsync(cancellationToken);
}
