using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>A TCP readiness check: connects every 100 ms until the port accepts, the process ends, or the pod stops.</summary>
internal static class ReadinessProbe
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    public static async Task WaitUntilListeningAsync(string ip, int port, Task exited, TimeProvider timeProvider, CancellationToken stopping)
    {
        var address = IPAddress.Parse(ip);
        while (!exited.IsCompleted)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(address, port, stopping);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(Period, timeProvider, stopping);
        }

        throw new OperationCanceledException("The container exited before it listened.");
    }
}
