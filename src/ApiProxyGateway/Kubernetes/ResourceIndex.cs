using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// A secondary index over a <see cref="ResourceCache{TObject, TInfo}"/> (EndpointSlices by Service, nodes by address):
/// each index key to the cached items that have it, kept current by the cache's one writer. A lookup then costs what
/// its answer holds, not what the cluster holds: a request must not walk every node or slice of a large cluster.
/// </summary>
internal sealed class ResourceIndex<TInfo>(Func<TInfo, IEnumerable<string>> keysOf)
    where TInfo : class
{
    private static readonly ImmutableDictionary<string, TInfo> EmptyBucket = ImmutableDictionary.Create<string, TInfo>(StringComparer.Ordinal);

    // A bucket is replaced, never changed in place, so a reader on another thread always sees a whole one.
    private readonly ConcurrentDictionary<string, ImmutableDictionary<string, TInfo>> _buckets = new(StringComparer.Ordinal);

    /// <summary>The cached items with the index key, in no particular order.</summary>
    public IEnumerable<TInfo> Get(string key) => _buckets.TryGetValue(key, out var bucket) ? bucket.Values : [];

    /// <summary>
    /// The item cached under <paramref name="itemKey"/> went from <paramref name="old"/> to <paramref name="current"/>
    /// (either may be null). Called by the cache's writer only. Under a key it keeps, the item is replaced in one step,
    /// and new keys are added before stale ones go, so a reader never finds it missing from a key it has throughout
    /// (the kubelet check must never see a node vanish while the node is updated).
    /// </summary>
    public void Update(string itemKey, TInfo? old, TInfo? current)
    {
        var kept = current is null ? [] : keysOf(current).ToHashSet(StringComparer.Ordinal);
        foreach (var key in kept)
        {
            _buckets[key] = (_buckets.TryGetValue(key, out var bucket) ? bucket : EmptyBucket).SetItem(itemKey, current!); // kept is empty without one
        }

        if (old is null)
        {
            return;
        }

        foreach (var key in keysOf(old))
        {
            if (!kept.Contains(key) && _buckets.TryGetValue(key, out var bucket))
            {
                var remaining = bucket.Remove(itemKey);
                if (remaining.IsEmpty)
                {
                    _buckets.TryRemove(key, out _);
                }
                else
                {
                    _buckets[key] = remaining;
                }
            }
        }
    }
}
