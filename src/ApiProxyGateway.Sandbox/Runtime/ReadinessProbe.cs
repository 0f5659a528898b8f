using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>A TCP readiness check from the pod's network: connects every 100 ms until the port accepts, the process ends, or the pod stops.</summary>
internal static class ReadinessProbe
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    public static async Task WaitUntilListeningAsync(NodeNetwork network, string ip, int port, Task exited, TimeProvider timeProvider, CancellationToken stopping)
    {
        var address = IPAddress.Parse(ip);
        while (!exited.IsCompleted)
        {
            using var socket = network.CreateSocket(address.AddressFamily);
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
