namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// A send window (per stream, or the SPDY/3.1 session window). It may go negative when the peer shrinks the
/// initial window with SETTINGS, or while the peer has not yet shown that it does flow control at all.
/// </summary>
internal sealed class SpdyFlowWindow(long initial)
{
    private readonly Lock _lock = new();
    private long _available = initial;
    private TaskCompletionSource? _opened;
    private Exception? _failure;

    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    public void Adjust(long delta)
    {
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            _available += delta;
            if (_available > 0)
            {
                (wake, _opened) = (_opened, null);
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>
    /// Takes up to <paramref name="wanted"/> bytes, waiting while the window is closed. With
    /// <paramref name="enforce"/> false the bytes are only counted, never waited for.
    /// </summary>
    public async ValueTask<int> TakeAsync(int wanted, bool enforce, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task opened;
            lock (_lock)
            {
                if (_failure is not null)
                {
                    throw new IOException(_failure.Message, _failure);
                }

                if (!enforce || _available > 0)
                {
                    var granted = enforce ? (int)Math.Min(wanted, _available) : wanted;
                    _available -= granted;
                    return granted;
                }

                _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                opened = _opened.Task;
            }

            await opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Fail(Exception error)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _failure ??= error;
            (wake, _opened) = (_opened, null);
        }

        wake?.TrySetResult();
    }
}
