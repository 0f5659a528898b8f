namespace ApiProxyGateway.Streaming;

/// <summary>
/// Ends a stream that passes through byte for byte with a reason the client prints. Once the session guard ends it,
/// the client's bytes stop going to the kubelet at once (the pump reads and drops them from then on, so a client that
/// keeps sending is not cut before it has read the reason); the kubelet's go on to the client only to the end of the
/// frame in flight (at most <see cref="BoundaryWait"/>); then the kubelet's side is cut (<see cref="Cut"/>) and the
/// <see cref="PassthroughFraming.Farewell"/> is written where no frame of the kubelet's is open. A stream that
/// cannot reach a boundary in time is cut without one: the audit event still says why.
/// </summary>
internal sealed class PassthroughSeal(PassthroughFraming framing, Stream client, Stream upstream, TimeProvider timeProvider) : IDisposable
{
    /// <summary>How long the kubelet's frame in flight may take to end before the stream is cut without a farewell.</summary>
    public static readonly TimeSpan BoundaryWait = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _toClient = new(1, 1);
    private readonly TaskCompletionSource _atBoundary = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile State _state;
    private Task _ending = Task.CompletedTask;

    private enum State
    {
        Open,
        Sealing,
        Sealed,
    }

    /// <summary>
    /// Completes once the stream is being ended and the kubelet's side has been cut (at most <see cref="BoundaryWait"/>
    /// after the guard's signal): the pump's end, whether or not its copy towards the client has noticed.
    /// </summary>
    public Task Cut => _cut.Task;

    /// <summary>Ends the stream when <paramref name="ending"/> is cancelled (the session guard's signal).</summary>
    public CancellationTokenRegistration EndOn(CancellationToken ending) =>
        ending.Register(() => Volatile.Write(ref _ending, SealThenCutAsync()));

    /// <summary>
    /// The pump's forwarder towards the kubelet: false once the stream is being ended (the pump then drops what the
    /// client still sends), including for a chunk whose write the seal's cut of the kubelet's side broke.
    /// </summary>
    public async ValueTask<bool> ToUpstreamAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (_state != State.Open)
        {
            return false;
        }

        framing.FromClient(chunk.Span);
        if (_state != State.Open)
        {
            // Following this chunk ended the stream (a required recording that lost the client's frames): none of it
            // may reach the kubelet unrecorded.
            return false;
        }

        try
        {
            await upstream.WriteAsync(chunk, cancellationToken);
            await upstream.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (_state != State.Open && e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Sealed while this chunk waited on the kubelet (it reads slowly) and then cut: the client must keep its
            // connection for the farewell all the same.
            return false;
        }

        return true;
    }

    /// <summary>The pump's forwarder towards the client: while sealing, only up to the frame boundary; false once sealed.</summary>
    public async ValueTask<bool> ToClientAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        await _toClient.WaitAsync(cancellationToken);
        try
        {
            if (_state == State.Sealed)
            {
                return false;
            }

            // Sealing at a boundary (this chunk took the way before the seal could look), no frame is in flight: none of it goes.
            var sealing = _state == State.Sealing;
            if (sealing && framing.AtBoundary)
            {
                return SealNow();
            }

            var count = framing.ToClient(chunk.Span, toBoundary: sealing);
            await client.WriteAsync(chunk[..count], cancellationToken);
            await client.FlushAsync(cancellationToken);
            if (sealing && framing.AtBoundary)
            {
                return SealNow();
            }

            return true;
        }
        finally
        {
            _toClient.Release();
        }
    }

    /// <summary>Writes the farewell for <paramref name="message"/> if the stream was sealed at a frame boundary; true if it was written.</summary>
    public async Task<bool> FarewellAsync(string message)
    {
        await Volatile.Read(ref _ending);
        using var deadline = new CancellationTokenSource(WriteTimeout, timeProvider);
        try
        {
            await _toClient.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return false; // a write to a client that reads nothing holds the way
        }

        try
        {
            if (_state != State.Sealed || framing.Farewell(message) is not { } farewell)
            {
                return false;
            }

            await client.WriteAsync(farewell, deadline.Token);
            await client.FlushAsync(deadline.Token);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            return false; // the client is gone already
        }
        finally
        {
            _toClient.Release();
        }
    }

    public void Dispose() => _toClient.Dispose();

    /// <summary>The kubelet's side has reached a frame boundary while sealing: nothing more of it goes (always false, for the pump).</summary>
    private bool SealNow()
    {
        _state = State.Sealed;
        _atBoundary.TrySetResult();
        return false;
    }

    /// <summary>
    /// Steps: stop the client's bytes (the state is read before each chunk goes up); take the way to the client, where
    /// the kubelet's bytes are either at a frame boundary (sealed now) or inside a frame (they go on to its end, at most
    /// <see cref="BoundaryWait"/>); then cut the kubelet's side and say so (<see cref="Cut"/>), which ends the pump. The
    /// farewell follows in the pump's first-side-ended step (<see cref="FarewellAsync"/>).
    /// </summary>
    private async Task SealThenCutAsync()
    {
        _state = State.Sealing;
        try
        {
            using var wait = new CancellationTokenSource(BoundaryWait, timeProvider);
            await _toClient.WaitAsync(wait.Token);
            try
            {
                if (framing.AtBoundary)
                {
                    _state = State.Sealed;
                }
            }
            finally
            {
                _toClient.Release();
            }

            if (_state != State.Sealed)
            {
                await _atBoundary.Task.WaitAsync(wait.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // No boundary in time: cut mid-frame, with nothing added to what the client has.
        }
        finally
        {
            try
            {
                await upstream.DisposeAsync();
            }
            finally
            {
                _cut.TrySetResult();
            }
        }
    }
}
