using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>How the server's stream handlers read their peer's packets.</summary>
internal static class PacketStreams
{
    /// <summary>
    /// Hands every packet to <paramref name="handle"/> until the peer ends the stream (or it breaks), or the server
    /// starts going away; in the latter case the read goes on, and is returned for the handler to wait on. The read is
    /// not cancelled for that (cancelling a gRPC read aborts the whole call, and the handler still has DRAIN to say):
    /// it ends when the peer ends the stream, or with the call.
    /// </summary>
    public static async Task<Task?> ReadUntilStoppingAsync(IAsyncStreamReader<Packet> stream, Func<Packet, ValueTask> handle, CancellationToken stopping)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stopping.Register(() => stopped.TrySetResult());
        var reading = ReadAllAsync(stream, handle);
        return await Task.WhenAny(reading, stopped.Task) == reading ? null : reading;
    }

    private static async Task ReadAllAsync(IAsyncStreamReader<Packet> stream, Func<Packet, ValueTask> handle)
    {
        try
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
                await handle(stream.Current);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            // The peer went away, or the call ended under the read.
        }
    }
}
