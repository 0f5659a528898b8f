using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Bench.Pods;

/// <summary>
/// <c>source --port P</c>: the port-forward target. A client sends one command byte: <c>S</c> and a big-endian
/// 64-bit count gets that many pattern bytes and then end-of-stream; <c>E</c> gets everything it sends echoed (the idle
/// streams scenario uses it to prove a forwarded connection is still open).
/// </summary>
internal static class SourceServer
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ParentWatch.Start();
        var port = args is ["--port", var p] ? int.Parse(p, CultureInfo.InvariantCulture) : 9000;
        var address = IPAddress.Parse(Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1");
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(4096);
        while (true)
        {
            var socket = await listener.AcceptAsync();
            _ = ServeAsync(socket);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                var command = new byte[1];
                await stream.ReadExactlyAsync(command);
                if (command[0] == (byte)'S')
                {
                    var length = new byte[8];
                    await stream.ReadExactlyAsync(length);
                    await DataPattern.WriteAsync(stream, BinaryPrimitives.ReadInt64BigEndian(length), CancellationToken.None);
                    socket.Shutdown(SocketShutdown.Send);
                    await stream.CopyToAsync(Stream.Null); // until the client closes
                }
                else
                {
                    var buffer = new byte[1024];
                    int read;
                    while ((read = await stream.ReadAsync(buffer)) > 0)
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, read));
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
            {
            }
        }
    }
}
