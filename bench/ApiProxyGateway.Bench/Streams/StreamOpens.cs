using System.Diagnostics;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>
/// How long a user waits for a new port-forward to carry its first byte, over <c>count</c> opens one after another (so
/// it is latency, not queueing): a new connection and mTLS handshake to the arm, the upgrade (through the gateway:
/// authorization, the dial to the kubelet, through the tunnel when there is one, and the kubelet's handshake), a
/// forwarded connection to the blob pod's source in echo mode, and one byte there and back. Closing is not counted.
/// </summary>
internal static class StreamOpens
{
    public static async Task<LatencyRecorder> PortForwardAsync(Endpoint endpoint, int count, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (echo, echoed) = await NativeStreams.PortForwardEchoAsync(endpoint, cancellationToken);
                if (echo == '!')
                {
                    recorder.Record(Stopwatch.GetElapsedTime(started, echoed).Ticks / TimeSpan.TicksPerMicrosecond);
                }
                else
                {
                    recorder.Error($"the echo was byte {echo}, not '!'");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SpdyProtocolException or OperationCanceledException)
            {
                recorder.Error($"{e.GetType().Name}: {e.Message}");
            }
        }

        return recorder;
    }
}
