using System.Collections.Concurrent;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// What is open at once, in total and per user, handed out as leases: the count behind <see cref="StreamLimiter"/> and
/// <see cref="Proxy.ProxyRequestLimiter"/>. A lease is released once, however often it is disposed.
/// </summary>
internal sealed class ConcurrencyCounter
{
    private readonly ConcurrentDictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    public int Open => Volatile.Read(ref _total);

    /// <summary>A lease, or null and the limit that refused it ("total" or "per-user").</summary>
    public IDisposable? TryAcquire(string user, int maxTotal, int maxPerUser, out string? refusedBy)
    {
        if (Interlocked.Increment(ref _total) > maxTotal)
        {
            Interlocked.Decrement(ref _total);
            refusedBy = "total";
            return null;
        }

        if (_perUser.AddOrUpdate(user, 1, (_, count) => count + 1) > maxPerUser)
        {
            Release(user);
            refusedBy = "per-user";
            return null;
        }

        refusedBy = null;
        return new Lease(this, user);
    }

    private void Release(string user)
    {
        Interlocked.Decrement(ref _total);
        if (_perUser.AddOrUpdate(user, 0, (_, count) => count - 1) <= 0)
        {
            _perUser.TryRemove(new KeyValuePair<string, int>(user, 0));
        }
    }

    private sealed class Lease(ConcurrencyCounter counter, string user) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                counter.Release(user);
            }
        }
    }
}
