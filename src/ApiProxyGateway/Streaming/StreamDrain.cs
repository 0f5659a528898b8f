using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Sessions;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// When open streams must close. At shutdown the host's sequence (<c>Hosting/GracefulShutdown</c>) closes the
/// listener and starts the drain period; once it is over every open pod stream is ended the way the session guard
/// ends one, with a reason its client can print (<see cref="Message"/>), and <see cref="StreamsMustClose"/> is
/// cancelled so that watches passed through to the API server end too.
/// </summary>
internal sealed class StreamDrain : IDisposable
{
    /// <summary>What a client is told when the drain ends its stream.</summary>
    public const string Message = "the gateway is shutting down: connect again to continue (another replica will serve you)";

    private readonly CancellationTokenSource _listenerClosed = new();
    private readonly CancellationTokenSource _drained;
    private readonly CancellationTokenRegistration _endStreams;

    public StreamDrain(LiveSessions sessions, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _drained = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _endStreams = _drained.Token.Register(() =>
        {
            foreach (var stream in sessions.Streams)
            {
                stream.Close(Shutdown);
            }
        });
    }

    /// <summary>Why the drain ended a pod stream: the <c>ended-by</c> label and what its client is told.</summary>
    public static SessionEnd Shutdown { get; } = new(SessionEnd.Shutdown, Message);

    /// <summary>
    /// The Status for what the drain cannot serve: 429 with a retry after 1 s, as kube-apiserver answers while it
    /// shuts down, so client-go retries (through the load balancer, on another replica) instead of failing.
    /// </summary>
    public static StatusBody Status { get; } = KubernetesStatus.Failure(StatusCodes.Status429TooManyRequests, "TooManyRequests", Message, new StatusDetails(null, null, null) { RetryAfterSeconds = 1 });

    /// <summary>Cancelled when the readiness grace period is over and the listener closes: a request that still arrives cannot be served to its end.</summary>
    public CancellationToken ListenerClosed => _listenerClosed.Token;

    /// <summary>Cancelled when the drain period is over: open streams must close now.</summary>
    public CancellationToken StreamsMustClose => _drained.Token;

    /// <summary>The listener is closing; streams must close once <paramref name="period"/> has passed.</summary>
    public void CloseAfter(TimeSpan period)
    {
        _listenerClosed.Cancel();
        _drained.CancelAfter(period);
    }

    public void Dispose()
    {
        _endStreams.Dispose();
        _drained.Dispose();
        _listenerClosed.Dispose();
    }
}
