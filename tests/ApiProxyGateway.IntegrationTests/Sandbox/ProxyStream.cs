using System.Net.Sockets;
using System.Text;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;
using Grpc.Net.Client;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>A dialler's ProxyService.Proxy stream, as the gateway's gRPC egress dialer opens one per tunnel.</summary>
internal sealed class ProxyStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<Packet, Packet> _call;
    private readonly CancellationToken _timeout;
    private readonly GrpcChannel? _ownedChannel;

    private ProxyStream(GrpcChannel channel, bool ownsChannel, CancellationToken timeout)
    {
        _timeout = timeout;
        _ownedChannel = ownsChannel ? channel : null;
        _call = new ProxyService.ProxyServiceClient(channel).Proxy(cancellationToken: timeout);
    }

    public long ConnectId { get; private set; }

    /// <summary>A gRPC channel to konnectivity-server's Unix domain socket (h2c).</summary>
    public static GrpcChannel OverSocket(string socketPath) => GrpcChannel.ForAddress("http://konnectivity-server", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        },
    });

    /// <summary>A stream on <paramref name="channel"/>; with <paramref name="ownsChannel"/> the channel goes when the stream does.</summary>
    public static ProxyStream Open(GrpcChannel channel, CancellationToken timeout, bool ownsChannel = false) => new(channel, ownsChannel, timeout);

    /// <summary>Sends DIAL_REQ and returns the DIAL_RSP (keeping its connectID for what follows).</summary>
    public async Task<DialResponse> DialAsync(string address)
    {
        var random = Random.Shared.NextInt64(1, long.MaxValue);
        await _call.RequestStream.WriteAsync(KonnectivityPackets.DialRequest(address, random), _timeout);
        var answer = await ReadAsync();
        Assert.Equal(PacketType.DialRsp, answer.Type);
        Assert.Equal(random, answer.DialResponse.Random);
        ConnectId = answer.DialResponse.ConnectID;
        return answer.DialResponse;
    }

    public Task SendAsync(string text) => _call.RequestStream.WriteAsync(KonnectivityPackets.Data(ConnectId, Encoding.ASCII.GetBytes(text)), _timeout);

    public Task CloseAsync() => _call.RequestStream.WriteAsync(KonnectivityPackets.CloseRequest(ConnectId), _timeout);

    /// <summary>The next packet; fails the test if the stream ends first.</summary>
    public async Task<Packet> ReadAsync()
    {
        Assert.True(await _call.ResponseStream.MoveNext(_timeout), "the server ended the stream");
        return _call.ResponseStream.Current;
    }

    /// <summary>Reads DATA until <paramref name="length"/> bytes have come; fails on any other packet.</summary>
    public async Task<string> ReadTextAsync(int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            var packet = await ReadAsync();
            Assert.True(packet.Type == PacketType.Data, $"expected DATA, got {packet}");
            Assert.Equal(ConnectId, packet.Data.ConnectID);
            text.Append(packet.Data.Data_.ToStringUtf8());
        }

        return text.ToString();
    }

    /// <summary>
    /// The packets that come until the stream ends, whether the server ends it or its connection goes away. Told DRAIN,
    /// the dialler leaves (ends its side), as a server going away waits for: once both sides have ended, what came
    /// cannot be lost when the connection closes (with the request side open, .NET drops what it has not yet read).
    /// </summary>
    public async Task<List<Packet>> ReadUntilGoneAsync()
    {
        var packets = new List<Packet>();
        try
        {
            while (await _call.ResponseStream.MoveNext(_timeout))
            {
                packets.Add(_call.ResponseStream.Current);
                if (_call.ResponseStream.Current.Type == PacketType.Drain)
                {
                    await _call.RequestStream.CompleteAsync();
                }
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Internal or StatusCode.Unavailable)
        {
            // The connection closed under the stream.
        }

        return packets;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or RpcException or IOException)
        {
            // Already over.
        }

        _call.Dispose();
        _ownedChannel?.Dispose();
    }
}
