using System.Text;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// One forwarded connection on the client (kubectl) side. <see cref="Error"/> completes with the server's
/// error text, or null when the server ended the error stream without one.
/// </summary>
public sealed class PortForwardConnection : IAsyncDisposable
{
    private readonly SpdyStream _errorStream;

    private PortForwardConnection(SpdyStream data, SpdyStream error)
    {
        Data = data;
        _errorStream = error;
        Error = ReadErrorAsync(error);
    }

    public SpdyStream Data { get; }

    public Task<string?> Error { get; }

    /// <summary>
    /// Opens the pair as client-go does: the error stream first (half-closed at once, since only the server
    /// writes on it), then the data stream, both carrying <c>port</c> and <c>requestID</c>.
    /// </summary>
    public static async Task<PortForwardConnection> OpenAsync(SpdySession session, int port, int requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        SpdyHeaders Headers(string type) => new()
        {
            { StreamHeaders.StreamType, type },
            { StreamHeaders.Port, port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { StreamHeaders.RequestId, requestId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

        var error = await session.OpenStreamAsync(Headers(StreamHeaders.Error), cancellationToken: cancellationToken).ConfigureAwait(false);
        await error.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
        var data = await session.OpenStreamAsync(Headers(StreamHeaders.Data), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new PortForwardConnection(data, error);
    }

    public async ValueTask DisposeAsync()
    {
        await Data.DisposeAsync().ConfigureAwait(false);
        await _errorStream.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<string?> ReadErrorAsync(SpdyStream error)
    {
        using var text = new MemoryStream();
        await error.CopyToAsync(text).ConfigureAwait(false);
        return text.Length == 0 ? null : Encoding.UTF8.GetString(text.ToArray());
    }
}
