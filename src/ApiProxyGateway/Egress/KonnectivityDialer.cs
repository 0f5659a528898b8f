using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Egress;

/// <summary>
/// <c>proxyProtocol: GRPC</c>, the apiserver-network-proxy protocol, dialled as konnectivity-client dials for
/// kube-apiserver: each dial opens a Proxy stream on a shared gRPC connection, sends DIAL_REQ and waits for the
/// DIAL_RSP with the same random id. An error in it fails the dial with the server's (or agent's) words; a dial that
/// times out is withdrawn with DIAL_CLS. A connection that fails before the answer is replaced and the dial tried
/// once more.
/// </summary>
internal sealed class KonnectivityDialer : IEgressDialer, IDisposable
{
    private static readonly TimeSpan WithdrawTimeout = TimeSpan.FromSeconds(5);
    private readonly EgressServer _server;
    private readonly KonnectivityChannels _channels;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public KonnectivityDialer(EgressServer server, TimeProvider timeProvider, ILogger logger)
    {
        _server = server;
        _channels = new KonnectivityChannels(server);
        _timeProvider = timeProvider;
        _logger = logger;
        Description = $"the Konnectivity server (GRPC over {server.Address})";
    }

    public EgressProtocol Protocol => EgressProtocol.Grpc;

    public string Transport => _server.Transport;

    public string Description { get; }

    public async ValueTask<Stream> DialAsync(EndPoint destination, CancellationToken cancellationToken)
    {
        var address = EgressAddress.Format(destination);
        for (var attempt = 1; ; attempt++)
        {
            var channel = _channels.Lease();
            try
            {
                return await DialOnceAsync(new KonnectivityTunnelContext(_channels, channel, Description, _timeProvider, _logger), address, cancellationToken);
            }
            catch (EgressException e) when (e.Failure == EgressFailure.Unavailable)
            {
                // The connection failed before the server answered: never use it again, and try once on a new one.
                _channels.Retire(channel);
                if (attempt > 1)
                {
                    throw;
                }

                EgressLog.DialRetried(_logger, address, Description, e.Message);
            }
        }
    }

    public ValueTask<string?> ProbeAsync(CancellationToken cancellationToken) => _server.ProbeAsync(cancellationToken);

    public void Dispose() => _channels.Dispose();

    /// <summary>One Proxy stream: DIAL_REQ, then the answer; the stream becomes the tunnel, or is released.</summary>
    private async Task<Stream> DialOnceAsync(KonnectivityTunnelContext context, string address, CancellationToken cancellationToken)
    {
        var random = NewRandom();
        var callCancellation = new CancellationTokenSource();
        var call = context.Channel.Client.Proxy(cancellationToken: callCancellation.Token);
        var owned = false;
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        Task? write = null;
        Task<bool>? next = null;
        try
        {
            write = call.RequestStream.WriteAsync(KonnectivityPackets.DialRequest(address, random), CancellationToken.None);
            await Task.WhenAny(write, cancelled.Task);
            cancellationToken.ThrowIfCancellationRequested();
            await write;
            while (true)
            {
                next = call.ResponseStream.MoveNext(CancellationToken.None);
                if (await Task.WhenAny(next, cancelled.Task) != next)
                {
                    // Withdraw the dial (the stream then belongs to the withdrawal) and report the caller's timeout.
                    owned = true;
                    _ = WithdrawAsync(context, call, callCancellation, random, next);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (!await next)
                {
                    throw new EgressException(EgressFailure.Unavailable, $"{Description} ended the stream before answering the dial of {address}");
                }

                var packet = call.ResponseStream.Current;
                switch (packet.Type)
                {
                    case PacketType.DialRsp when packet.DialResponse?.Random == random && packet.DialResponse.Error.Length > 0:
                        throw new EgressException(EgressReply.Classify(packet.DialResponse.Error), $"{Description} could not dial {address}: {EgressReply.Printable(packet.DialResponse.Error)}");
                    case PacketType.DialRsp when packet.DialResponse?.Random == random:
                        owned = true;
                        return new KonnectivityTunnelStream(call, callCancellation, context, packet.DialResponse.ConnectID, address);
                    case PacketType.DialCls when packet.CloseDial?.Random == random:
                        throw new EgressException(EgressFailure.Refused, $"{Description} gave up the dial of {address} (DIAL_CLS): the node's agent closed it");
                    case PacketType.Drain:
                        context.Draining();
                        break;
                    default:
                        break; // an answer to some other dial: not this stream's business
                }
            }
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call failed (InvalidOperationException: the request stream refused the write, the call had ended);
            // unless the caller gave up meanwhile, the connection is at fault.
            cancellationToken.ThrowIfCancellationRequested();
            throw new EgressException(EgressFailure.Unavailable, $"{Description} is not reachable: {KonnectivityTunnelContext.Describe(e)}", e);
        }
        finally
        {
            if (!owned)
            {
                await callCancellation.CancelAsync();
                await Observe(write);
                await Observe(next);
                call.Dispose();
                callCancellation.Dispose();
                context.Release();
            }
        }
    }

    /// <summary>
    /// Sends DIAL_CLS for a dial the caller gave up on and ends the stream; should the agent have dialled anyway
    /// (its DIAL_RSP crossing the DIAL_CLS), that connection is closed too.
    /// </summary>
    private async Task WithdrawAsync(KonnectivityTunnelContext context, AsyncDuplexStreamingCall<Packet, Packet> call, CancellationTokenSource callCancellation, long random, Task<bool> next)
    {
        try
        {
            await call.RequestStream.WriteAsync(KonnectivityPackets.DialClose(random), CancellationToken.None);
            using var grace = new CancellationTokenSource(WithdrawTimeout, _timeProvider);
            while (await next.WaitAsync(grace.Token))
            {
                if (call.ResponseStream.Current is { Type: PacketType.DialRsp, DialResponse: { Error.Length: 0 } late } && late.Random == random)
                {
                    await call.RequestStream.WriteAsync(KonnectivityPackets.CloseRequest(late.ConnectID), CancellationToken.None);
                }

                next = call.ResponseStream.MoveNext(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException or IOException)
        {
            // The server went away or took too long: cancelling the call below ends the dial on its side too.
        }
        finally
        {
            await callCancellation.CancelAsync();
            await Observe(next);
            call.Dispose();
            callCancellation.Dispose();
            context.Release();
        }
    }

    private static async Task Observe(Task? pending)
    {
        if (pending is null)
        {
            return;
        }

        try
        {
            await pending;
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The call was cancelled under it.
        }
    }

    private static long NewRandom() => (BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(8)) & long.MaxValue) | 1;
}
