namespace ApiProxyGateway.Streaming;

/// <summary>
/// When open streams must close. At shutdown the host's sequence (<c>Hosting/GracefulShutdown</c>) starts the drain
/// period; once it is over <see cref="StreamsMustClose"/> is cancelled and every relay, and every watch passed
/// through to the API server, closes both sides of its stream cleanly.
/// </summary>
internal sealed class StreamDrain : IDisposable
{
    private readonly CancellationTokenSource _drained = new();

    /// <summary>Cancelled when the drain period is over: open streams must close now.</summary>
    public CancellationToken StreamsMustClose => _drained.Token;

    /// <summary>Starts the drain period: streams must close once <paramref name="period"/> has passed.</summary>
    public void CloseAfter(TimeSpan period) => _drained.CancelAfter(period);

    public void Dispose() => _drained.Dispose();
}
