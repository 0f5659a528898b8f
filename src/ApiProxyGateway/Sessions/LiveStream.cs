using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;

namespace ApiProxyGateway.Sessions;

/// <summary>
/// One open stream, as <see cref="LiveSessions"/> holds it: whose certificate opened it, whom it acts as, the
/// permissions it was authorized with, and the signal that ends it with a <see cref="SessionEnd"/>. Disposing it
/// (when the stream is over) takes it out of the registry.
/// </summary>
internal sealed class LiveStream : IDisposable
{
    private readonly CancellationTokenSource _ending = new();
    private readonly Action<LiveStream> _release;
    private SessionEnd? _end;

    public LiveStream(string kind, X509Certificate2 certificate, KubernetesUser user, IReadOnlyList<ResourceAttributes> permissions, Action<LiveStream> release)
    {
        Kind = kind;
        Certificate = certificate;
        User = user;
        Permissions = permissions;
        _release = release;
    }

    /// <summary>exec, attach, portforward, logs, proxy or watch: the metric label.</summary>
    public string Kind { get; }

    public X509Certificate2 Certificate { get; }

    public KubernetesUser User { get; }

    public IReadOnlyList<ResourceAttributes> Permissions { get; }

    /// <summary>Cancelled when the gateway ends the stream; <see cref="End"/> then says why.</summary>
    public CancellationToken Ending => _ending.Token;

    /// <summary>Why the gateway ended the stream, or null while it may stay open.</summary>
    public SessionEnd? End => Volatile.Read(ref _end);

    /// <summary>Since when the API server has not been able to re-authorize the stream; null while it answers.</summary>
    public DateTimeOffset? UnknownSince { get; set; }

    /// <summary>Ends the stream (once: the first reason stands). Returns whether this call ended it.</summary>
    public bool Close(SessionEnd end)
    {
        if (Interlocked.CompareExchange(ref _end, end, null) is not null)
        {
            return false;
        }

        try
        {
            _ending.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream finished while it was being ended.
        }

        return true;
    }

    public void Dispose()
    {
        _release(this);
        _ending.Dispose();
    }
}
