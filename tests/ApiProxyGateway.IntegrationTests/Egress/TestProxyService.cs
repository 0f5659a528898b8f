using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Protocols.Konnectivity;
using Google.Protobuf;
using Grpc.Core;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>The <see cref="TestKonnectivityServer"/>'s ProxyService: one dial per stream, answered as <see cref="TestKonnectivityServer.OnDial"/> says.</summary>
internal sealed class TestProxyService(TestKonnectivityServer server) : ProxyService.ProxyServiceBase
{
    private static long _nextConnectId;

    public override async Task Proxy(IAsyncStreamReader<Packet> requestStream, IServerStreamWriter<Packet> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var tunnel = new TestTunnel(http.Connection.Id) { Http = http };
        server.Tunnels.Enqueue(tunnel);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, tunnel.Ending);
        var writer = WriteAsync(tunnel, responseStream, stopping.Token);
        Socket? target = null;
        Task? relay = null;
        var answer = DialAnswer.Forward;
        try
        {
            while (await requestStream.MoveNext(stopping.Token))
            {
                var packet = requestStream.Current;
                tunnel.Received.Enqueue(packet);
                switch (packet.Type)
                {
                    case PacketType.DialReq:
                        answer = server.OnDial(packet.DialRequest);
                        if (answer.Kind == DialAnswerKind.Reset)
                        {
                            http.Abort();
                            return;
                        }

                        (target, relay) = await AnswerAsync(tunnel, packet.DialRequest, answer, stopping.Token);
                        break;
                    case PacketType.Data when answer.Kind == DialAnswerKind.Echo:
                        tunnel.Send(new Packet { Type = PacketType.Data, Data = new Data { ConnectID = tunnel.ConnectId, Data_ = packet.Data.Data_ } });
                        break;
                    case PacketType.Data when target is not null:
                        await target.SendAsync(packet.Data.Data_.Memory, stopping.Token);
                        break;
                    case PacketType.CloseReq:
                        target?.Dispose();
                        tunnel.Send(new Packet { Type = PacketType.CloseRsp, CloseResponse = new CloseResponse { ConnectID = packet.CloseRequest.ConnectID } });
                        break;
                    case PacketType.DialCls:
                        return;
                    default:
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // The test ended the stream, or the client went away.
        }
        finally
        {
            target?.Dispose();
            tunnel.Outbound.Writer.TryComplete();
            await writer;
            if (relay is not null)
            {
                await relay;
            }
        }
    }

    private static async Task<(Socket? Target, Task? Relay)> AnswerAsync(TestTunnel tunnel, DialRequest dial, DialAnswer answer, CancellationToken cancellationToken)
    {
        switch (answer.Kind)
        {
            case DialAnswerKind.Refuse:
                tunnel.Send(new Packet { Type = PacketType.DialRsp, DialResponse = new DialResponse { Random = dial.Random, Error = answer.Error } });
                return (null, null);
            case DialAnswerKind.Echo:
                tunnel.ConnectId = Interlocked.Increment(ref _nextConnectId);
                tunnel.Send(new Packet { Type = PacketType.DialRsp, DialResponse = new DialResponse { Random = dial.Random, ConnectID = tunnel.ConnectId } });
                return (null, null);
            case DialAnswerKind.Forward:
                var target = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await target.ConnectAsync(IPEndPoint.Parse(dial.Address), cancellationToken);
                }
                catch (SocketException e)
                {
                    target.Dispose();
                    tunnel.Send(new Packet { Type = PacketType.DialRsp, DialResponse = new DialResponse { Random = dial.Random, Error = $"dial tcp {dial.Address}: {e.SocketErrorCode}" } });
                    return (null, null);
                }

                tunnel.ConnectId = Interlocked.Increment(ref _nextConnectId);
                tunnel.Send(new Packet { Type = PacketType.DialRsp, DialResponse = new DialResponse { Random = dial.Random, ConnectID = tunnel.ConnectId } });
                return (target, RelayAsync(tunnel, target, cancellationToken));
            default:
                return (null, null);
        }
    }

    /// <summary>The target's bytes as DATA; its end as CLOSE_RSP, as konnectivity-server reports an agent's closed connection.</summary>
    private static async Task RelayAsync(TestTunnel tunnel, Socket target, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await target.ReceiveAsync(buffer, cancellationToken)) > 0)
            {
                tunnel.Send(new Packet { Type = PacketType.Data, Data = new Data { ConnectID = tunnel.ConnectId, Data_ = ByteString.CopyFrom(buffer, 0, read) } });
            }

            tunnel.Send(new Packet { Type = PacketType.CloseRsp, CloseResponse = new CloseResponse { ConnectID = tunnel.ConnectId } });
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The tunnel ended first.
        }
    }

    private static async Task WriteAsync(TestTunnel tunnel, IServerStreamWriter<Packet> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in tunnel.Outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(packet, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The stream ended.
        }
    }
}
