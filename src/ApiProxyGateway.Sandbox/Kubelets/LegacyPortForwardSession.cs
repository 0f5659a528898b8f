using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// The CRI streaming server's WebSocket port-forward (pkg/kubelet/cri/streaming/portforward/websocket.go), which every
/// kubelet serves with the channel framing: binary with no sub-protocol or <c>v4.channel.k8s.io</c>, base64 with
/// <c>v4.base64.channel.k8s.io</c>. The ports come from <c>?port=A,B</c> (repeatable); port i has data channel 2i and
/// error channel 2i+1, each opened by a message holding the port as two little-endian bytes.
/// </summary>
internal static class LegacyPortForwardSession
{
    /// <summary>What the kubelet accepts, in its order: "" is a WebSocket that asked for no sub-protocol.</summary>
    public static IReadOnlyList<string> Protocols { get; } = ["", StreamProtocols.RemoteCommandV4, StreamProtocols.RemoteCommandBase64V4];

    /// <summary>The ports of every <c>?port=</c> (each may list several), or the kubelet's error text.</summary>
    public static (ushort[]? Ports, string? Error) ParsePorts(IReadOnlyList<string?> values)
    {
        if (values.Count == 0)
        {
            return (null, "query parameter \"port\" is required");
        }

        var ports = new List<ushort>();
        foreach (var text in values.SelectMany(v => string.IsNullOrEmpty(v) ? [""] : v.Split(',')))
        {
            if (text.Length == 0)
            {
                return (null, "query parameter \"port\" cannot be empty");
            }

            if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return (null, $"unable to parse \"{text}\" as a port: invalid syntax");
            }

            if (port == 0)
            {
                return (null, $"port \"{text}\" must be > 0");
            }

            ports.Add(port);
        }

        return ([.. ports], null);
    }

    /// <summary>
    /// Serves the ports until the client closes or, as the kubelet does, every port's pod connection has ended (or
    /// never opened): then the WebSocket is closed from here.
    /// </summary>
    public static async Task RunAsync(WebSocket webSocket, string protocol, ushort[] ports, PodContext pod, CancellationToken aborted)
    {
        // The channel framing is the remote-command one; only the base64 choice matters to ChannelWebSocket.
        using var channels = new ChannelWebSocket(webSocket, protocol.Length == 0 ? StreamProtocols.RemoteCommandV4 : protocol);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var sockets = new Socket?[ports.Length];
        var pumps = new List<Task>();
        var receiving = Task.CompletedTask;
        try
        {
            for (var i = 0; i < ports.Length; i++)
            {
                var prefix = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, ports[i]);
                await channels.SendAsync((byte)(2 * i), prefix, aborted);
                await channels.SendAsync((byte)(2 * i + 1), prefix, aborted);
                sockets[i] = await ConnectAsync(channels, i, ports[i], pod, aborted);
                if (sockets[i] is { } socket)
                {
                    pumps.Add(PumpFromPodAsync(socket, channels, (byte)(2 * i), session.Token));
                }
            }

            receiving = ReceiveAsync(channels, sockets, session.Token);
            if (await Task.WhenAny(receiving, Task.WhenAll(pumps)) != receiving)
            {
                await channels.CloseOutputAsync(aborted);
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // The client or the pod went away; the session is over.
        }
        finally
        {
            await session.CancelAsync();
            await receiving;
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            await Task.WhenAll(pumps);
        }
    }

    /// <summary>Writes each data channel's messages to its pod connection until the client closes or the session ends.</summary>
    private static async Task ReceiveAsync(ChannelWebSocket channels, Socket?[] sockets, CancellationToken cancellationToken)
    {
        try
        {
            while (await channels.ReceiveAsync(cancellationToken) is { } message)
            {
                var index = message.Channel / 2;
                if (message.Channel % 2 == 0 && index < sockets.Length && sockets[index] is { } socket && !message.Data.IsEmpty)
                {
                    await socket.SendAsync(message.Data, SocketFlags.None, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (or broke the protocol: an IOException too, and its close says why), or the session ended from the pod's side.
        }
    }

    private static async Task<Socket?> ConnectAsync(ChannelWebSocket channels, int index, ushort port, PodContext pod, CancellationToken aborted)
    {
        var address = IPAddress.Parse(pod.Ip);
        var socket = pod.Network.CreateSocket(address.AddressFamily);
        try
        {
            await socket.ConnectAsync(address, port, aborted);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode == SocketError.ConnectionRefused ? "connect: connection refused" : e.Message;
            var text = $"error forwarding port {port} to pod {pod.Name}_{pod.Namespace}, uid {pod.Uid}: dial tcp {pod.Ip}:{port}: {reason}";
            await channels.SendAsync((byte)(2 * index + 1), System.Text.Encoding.UTF8.GetBytes(text), aborted);
            return null;
        }
    }

    private static async Task PumpFromPodAsync(Socket socket, ChannelWebSocket channels, byte channel, CancellationToken aborted)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, aborted)) > 0)
            {
                await channels.SendAsync(channel, buffer.AsMemory(0, read), aborted);
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
