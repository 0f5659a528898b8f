using System.Globalization;
using System.Text;
using ApiProxyGateway.Protocols.Konnectivity;
using Microsoft.AspNetCore.Connections;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// One HTTP CONNECT client (pkg/server/tunnel.go): <c>CONNECT host:port HTTP/1.1</c> is dialled through the agent
/// serving the host; its DIAL_RSP decides the answer: <c>200 Connection Established</c> and raw bytes both ways, or an
/// error with the reason as plain text (503 when no agent serves the host, 504 for a dial that timed out, 502 for any
/// other dial failure). The client closing its side ends the tunnel (CLOSE_REQ); the agent's CLOSE_RSP closes the connection.
/// </summary>
internal sealed class HttpConnectTunnel : ITunnelFrontend
{
    private const int MaximumDataPacket = 32 * 1024;
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    private readonly ConnectionContext _connection;
    private readonly TunnelRouter _router;
    private readonly KonnectivityServerLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly PacketQueue _outbound;
    private readonly TaskCompletionSource<long?> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closedByAgent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpConnectTunnel(ConnectionContext connection, TunnelRouter router, KonnectivityServerLifetime lifetime, ILogger logger)
    {
        _connection = connection;
        _router = router;
        _lifetime = lifetime;
        _logger = logger;
        _outbound = new PacketQueue(WriteAsync, connection.ConnectionClosed);
    }

    public string Kind => "http-connect";

    public async ValueTask DeliverAsync(Packet packet) => await _outbound.SendAsync(packet);

    public async Task RunAsync()
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(_connection.ConnectionClosed, _lifetime.Stopping);
        try
        {
            if (await ConnectAsync(ended.Token) is { } connectId)
            {
                await PumpAsync(connectId, ended.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or InvalidOperationException or TimeoutException)
        {
            // The client went away, the agent did not answer the close, or the server is stopping.
        }
        finally
        {
            await _router.FrontendGoneAsync(this);
            await _outbound.CompleteAsync(FlushLimit);
        }
    }

    /// <summary>Reads the request and dials; the connectID once 200 is on its way, null when the client got an error.</summary>
    private async Task<long?> ConnectAsync(CancellationToken cancellationToken)
    {
        HttpConnectRequestHead? head;
        try
        {
            head = await HttpConnectRequestHead.ReadAsync(_connection.Transport.Input, cancellationToken);
        }
        catch (FormatException e)
        {
            await RefuseAsync(400, e.Message);
            return null;
        }

        if (head is null)
        {
            return null;
        }

        if (!head.IsConnect)
        {
            await RefuseAsync(405, "this proxy only supports CONNECT passthrough");
            return null;
        }

        if (!head.HasAuthorityTarget())
        {
            await RefuseAsync(400, $"CONNECT needs host:port, not \"{head.Target}\"");
            return null;
        }

        var random = Random.Shared.NextInt64(1, long.MaxValue);
        if (await _router.DialAsync(this, new DialRequest { Protocol = KonnectivityPackets.Tcp, Address = head.Target, Random = random }) is { } error)
        {
            await RefuseAsync(500, $"currently no tunnels available: {error}"); // konnectivity-server's words and status
            return null;
        }

        return await _answered.Task.WaitAsync(cancellationToken);
    }

    private async Task PumpAsync(long connectId, CancellationToken cancellationToken)
    {
        var input = _connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            if (result.IsCanceled)
            {
                return; // the agent closed the tunnel
            }

            foreach (var segment in result.Buffer)
            {
                for (var offset = 0; offset < segment.Length; offset += MaximumDataPacket)
                {
                    var chunk = segment.Span.Slice(offset, Math.Min(MaximumDataPacket, segment.Length - offset));
                    await _router.FromFrontendAsync(this, KonnectivityPackets.Data(connectId, chunk));
                }
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        // The client closed its side: the tunnel ends; what the agent still sends before its CLOSE_RSP is delivered.
        await _router.FromFrontendAsync(this, KonnectivityPackets.CloseRequest(connectId));
        await _closedByAgent.Task.WaitAsync(FlushLimit, cancellationToken);
    }

    /// <summary>The one writer of the connection: what the agent answers, in order.</summary>
    private async Task WriteAsync(Packet packet, CancellationToken cancellationToken)
    {
        switch (packet.Type)
        {
            case PacketType.DialRsp when packet.DialResponse.Error.Length > 0:
                await RespondAsync(StatusForDialError(packet.DialResponse.Error), packet.DialResponse.Error, cancellationToken);
                _answered.TrySetResult(null);
                break;
            case PacketType.DialRsp:
                await _connection.Transport.Output.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), cancellationToken);
                _answered.TrySetResult(packet.DialResponse.ConnectID);
                break;
            case PacketType.DialCls:
                await RespondAsync(502, "the agent closed the dial", cancellationToken);
                _answered.TrySetResult(null);
                break;
            case PacketType.Data:
                await _connection.Transport.Output.WriteAsync(packet.Data.Data_.Memory, cancellationToken);
                break;
            case PacketType.CloseRsp:
                _closedByAgent.TrySetResult();
                _connection.Transport.Input.CancelPendingRead(); // ends the pump
                break;
        }
    }

    private async Task RefuseAsync(int status, string reason)
    {
        KonnectivityLog.Refused(_logger, Kind, reason);
        await RespondAsync(status, reason, _connection.ConnectionClosed);
    }

    private async Task RespondAsync(int status, string reason, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(reason + "\n");
        var text = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        byte[] response = [.. Encoding.ASCII.GetBytes(text), .. body];
        await _connection.Transport.Output.WriteAsync(response, cancellationToken);
    }

    /// <summary>konnectivity-server's mapDialErrorToHTTPStatus, in short: timeouts are 504, "too many open files" 503, the rest 502.</summary>
    internal static int StatusForDialError(string error) => error.ToLowerInvariant() switch
    {
        var e when e.Contains("timeout", StringComparison.Ordinal) || e.Contains("deadline exceeded", StringComparison.Ordinal) || e.Contains("timed out", StringComparison.Ordinal) => 504,
        var e when e.Contains("too many open files", StringComparison.Ordinal) => 503,
        _ => 502,
    };

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        405 => "Method Not Allowed",
        502 => "Bad Gateway",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
