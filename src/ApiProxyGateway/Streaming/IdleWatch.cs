namespace ApiProxyGateway.Streaming;

/// <summary>
/// Cancels a stream when no data has moved in either direction for the idle timeout. Every copy loop of one
/// stream shares a watch and touches it when data moves.
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _stop;
    private readonly TimeSpan _timeout;

    public IdleWatch(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        _idle = new CancellationTokenSource(timeout, timeProvider);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
    }

    /// <summary>Cancelled when the stream idles out or the caller's token is cancelled.</summary>
    public CancellationToken Token => _stop.Token;

    public bool IdledOut => _idle.IsCancellationRequested;

    public void Touch() => _idle.CancelAfter(_timeout);

    public Task StopAsync() => _stop.CancelAsync();

    public void Dispose()
    {
        _stop.Dispose();
        _idle.Dispose();
    }
}
