using System.Net.Sockets;
using System.Text;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// One forwarded connection on the server (kubelet) side: the bidirectional <see cref="Data"/> stream and the
/// <see cref="Error"/> stream on which a failure is reported as text, paired by their <c>requestID</c> header.
/// </summary>
public sealed class PortForwardStreamPair : IAsyncDisposable
{
    internal PortForwardStreamPair(string requestId, int port, SpdyStream data, SpdyStream error)
    {
        RequestId = requestId;
        Port = port;
        Data = data;
        Error = error;
    }

    public string RequestId { get; }

    /// <summary>The pod port the client asked for (the <c>port</c> header of the data stream).</summary>
    public int Port { get; }

    public SpdyStream Data { get; }

    public SpdyStream Error { get; }

    /// <summary>Reports a failure (e.g. the port refused the connection) and ends the error stream.</summary>
    public async Task WriteErrorAsync(string message, CancellationToken cancellationToken = default)
    {
        if (!Error.IsLocalClosed)
        {
            await Error.WriteAndCloseAsync(Encoding.UTF8.GetBytes(message), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies bytes both ways between the data stream and a connected socket, passing each half-close on
    /// (client FIN becomes a socket shutdown, socket EOF becomes FIN), then ends the error stream cleanly.
    /// </summary>
    public async Task ForwardAsync(Socket socket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        var toPod = CopyToPodAsync(network, socket, cancellationToken);
        var fromPod = CopyFromPodAsync(network, cancellationToken);
        try
        {
            await Task.WhenAll(toPod, fromPod).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            await Data.ResetAsync(SpdyStreamStatus.Cancel, CancellationToken.None).ConfigureAwait(false);
            socket.Close();
            throw;
        }

        await Error.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends both streams (FIN, and RST where the client has not finished).</summary>
    public async ValueTask DisposeAsync()
    {
        await Data.DisposeAsync().ConfigureAwait(false);
        await Error.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CopyToPodAsync(NetworkStream network, Socket socket, CancellationToken cancellationToken)
    {
        await Data.CopyToAsync(network, cancellationToken).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
    }

    private async Task CopyFromPodAsync(NetworkStream network, CancellationToken cancellationToken)
    {
        await network.CopyToAsync(Data, cancellationToken).ConfigureAwait(false);
        await Data.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }
}
