using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// One AgentService.Connect stream of an agent (pkg/agent/client.go's Serve): DIAL_REQ dials from the node's network
/// and answers DIAL_RSP with a new connectID or Go's dial error; DATA and CLOSE_REQ go to that connection. When the
/// stream ends, every connection it opened is closed.
/// </summary>
internal sealed class AgentSession
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    private readonly AsyncDuplexStreamingCall<Packet, Packet> _call;
    private readonly KonnectivityAgentOptions _options;
    private readonly Func<TimeSpan> _dialDelay;
    private readonly ILogger _logger;
    private readonly PacketQueue _outbound;
    private readonly ConcurrentDictionary<long, AgentConnection> _connections = new();
    private long _lastConnectId;

    public AgentSession(AsyncDuplexStreamingCall<Packet, Packet> call, KonnectivityAgentOptions options, Func<TimeSpan> dialDelay, ILogger logger, CancellationToken aborted)
    {
        _call = call;
        _options = options;
        _dialDelay = dialDelay;
        _logger = logger;
        _outbound = new PacketQueue(call.RequestStream, aborted);
    }

    public ValueTask<bool> SendAsync(Packet packet) => _outbound.SendAsync(packet);

    public void Forget(AgentConnection connection) => _connections.TryRemove(connection.ConnectId, out _);

    /// <summary>Sends DRAIN (the agent is going away: the server should dial elsewhere) and waits until it is written.</summary>
    public async Task DrainAsync()
    {
        await _outbound.SendAsync(KonnectivityPackets.Drain());
        await _outbound.CompleteAsync(FlushLimit);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in _call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                await ServeAsync(packet, cancellationToken);
            }
        }
        finally
        {
            await _outbound.CompleteAsync(TimeSpan.Zero);
            await Task.WhenAll(_connections.Values.Select(c => c.CloseAsync()));
        }
    }

    private async ValueTask ServeAsync(Packet packet, CancellationToken cancellationToken)
    {
        switch (packet.Type)
        {
            case PacketType.DialReq:
                _ = DialAsync(packet.DialRequest, cancellationToken);
                break;
            case PacketType.Data:
                if (_connections.TryGetValue(packet.Data.ConnectID, out var connection))
                {
                    await connection.WriteAsync(packet.Data.Data_);
                }
                else
                {
                    await SendAsync(KonnectivityPackets.CloseResponse(packet.Data.ConnectID, "unrecognized connectID"));
                }

                break;
            case PacketType.CloseReq:
                if (_connections.TryGetValue(packet.CloseRequest.ConnectID, out var closing))
                {
                    _ = closing.CloseAsync();
                }
                else
                {
                    await SendAsync(KonnectivityPackets.CloseResponse(packet.CloseRequest.ConnectID, "Unknown connectID"));
                }

                break;
            case PacketType.Drain:
                KonnectivityLog.ServerDraining(_logger, _options.NodeName);
                break;
        }
    }

    private async Task DialAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var connectId = Interlocked.Increment(ref _lastConnectId);
        Socket socket;
        try
        {
            if (_dialDelay() is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _options.TimeProvider, cancellationToken); // the scenario's slow dial
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.DialTimeout); // Go's DialTimeout covers the name lookup too
            try
            {
                socket = await _options.Network.ConnectAsync(await ResolveAsync(request.Address, timeout.Token), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the stream ended while dialling
        }
        catch (Exception e) when (e is SocketException or TimeoutException or FormatException or InvalidOperationException or ObjectDisposedException)
        {
            // The last two: the node network was shut down under the dial.
            var error = GoDialError(request.Address, e);
            KonnectivityLog.AgentDialFailed(_logger, _options.NodeName, request.Address, error);
            await SendAsync(KonnectivityPackets.DialResponse(request.Random, error: error));
            return;
        }

        var connection = new AgentConnection(connectId, socket, this);
        _connections[connectId] = connection;
        if (!await SendAsync(KonnectivityPackets.DialResponse(request.Random, connectId)))
        {
            await connection.CloseAsync();
            return;
        }

        connection.Start();
    }

    private async Task<IPEndPoint> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        var host = TunnelRouter.HostOf(address);
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"dial tcp {address}: address {address}: missing port in address");
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return new IPEndPoint(literal, port);
        }

        if (string.Equals(host, _options.NodeName, StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(_options.NodeAddress, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses.Length > 0 ? new IPEndPoint(addresses[0], port) : throw new FormatException($"dial tcp: lookup {host}: no such host");
    }

    /// <summary>The text Go's net.DialTimeout error would have, which is what konnectivity-agent puts in DIAL_RSP.</summary>
    private static string GoDialError(string address, Exception e) => e switch
    {
        TimeoutException => $"dial tcp {address}: i/o timeout",
        FormatException => e.Message,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"dial tcp {address}: connect: connection refused",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable } => $"dial tcp {address}: connect: network is unreachable",
        SocketException { SocketErrorCode: SocketError.HostUnreachable } => $"dial tcp {address}: connect: no route to host",
        SocketException { SocketErrorCode: SocketError.HostNotFound } => $"dial tcp: lookup {TunnelRouter.HostOf(address)}: no such host",
        _ => $"dial tcp {address}: {e.Message.ToLowerInvariant()}",
    };
}
