using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// The CRI streaming server's WebSocket port-forward (<c>portforward.k8s.io</c>, <c>base64.portforward.k8s.io</c>),
/// which every kubelet serves: the ports come from <c>?port=A,B</c>; port i has data channel 2i and error channel
/// 2i+1, each opened by a message holding the port as two little-endian bytes.
/// </summary>
internal static class LegacyPortForwardSession
{
    public const string Binary = "portforward.k8s.io";
    public const string Base64 = "base64.portforward.k8s.io";

    /// <summary>The ports of <c>?port=</c>, or the kubelet's error text.</summary>
    public static (ushort[]? Ports, string? Error) ParsePorts(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return (null, "query parameter \"port\" is required");
        }

        var ports = new List<ushort>();
        foreach (var text in query.Split(','))
        {
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

    public static async Task RunAsync(WebSocket webSocket, string protocol, ushort[] ports, PodContext pod, CancellationToken aborted)
    {
        // The channel framing is the remote-command one; only the base64 choice matters to ChannelWebSocket.
        using var channels = new ChannelWebSocket(webSocket, protocol == Base64 ? StreamProtocols.RemoteCommandBase64V1 : StreamProtocols.RemoteCommandV1);
        var sockets = new Socket?[ports.Length];
        var pumps = new List<Task>();
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
                    pumps.Add(PumpFromPodAsync(socket, channels, (byte)(2 * i), aborted));
                }
            }

            while (await channels.ReceiveAsync(aborted) is { } message)
            {
                var index = message.Channel / 2;
                if (message.Channel % 2 == 0 && index < sockets.Length && sockets[index] is { } socket && !message.Data.IsEmpty)
                {
                    await socket.SendAsync(message.Data, SocketFlags.None, aborted);
                }
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // The client or the pod went away; the session is over.
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            await Task.WhenAll(pumps);
        }
    }

    private static async Task<Socket?> ConnectAsync(ChannelWebSocket channels, int index, ushort port, PodContext pod, CancellationToken aborted)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(pod.Ip), port, aborted);
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
