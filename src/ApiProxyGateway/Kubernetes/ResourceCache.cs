using System.Collections.Concurrent;
using k8s;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// A list+watch cache of one kind of object, kept as small projections. Lookups are served from memory, so a
/// steady stream of requests causes no API reads; a miss (not yet synced, or just created) reads directly.
/// The watch resumes from the last resourceVersion and relists when the server says it is too old.
/// </summary>
internal sealed class ResourceCache<TObject, TInfo>(ResourceCacheSource<TObject, TInfo> source, TimeProvider timeProvider, ILogger logger)
    where TObject : class
    where TInfo : class
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, TInfo> _items = new(StringComparer.Ordinal);
    private readonly List<ResourceIndex<TInfo>> _indexes = [];
    private volatile bool _synced;

    public string Kind => source.Kind;

    public bool HasSynced => _synced;

    public int Count => _items.Count;

    /// <summary>
    /// An index of the cached items by the keys <paramref name="keysOf"/> gives each (distinct keys); added before
    /// <see cref="RunAsync"/> starts.
    /// </summary>
    public ResourceIndex<TInfo> AddIndex(Func<TInfo, IEnumerable<string>> keysOf)
    {
        var index = new ResourceIndex<TInfo>(keysOf);
        _indexes.Add(index);
        return index;
    }

    public async Task<TInfo?> GetAsync(string key, string namespaceName, string name, CancellationToken cancellationToken)
    {
        if (_items.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var item = await source.ReadAsync(namespaceName, name, cancellationToken);
        return item is null ? null : source.Project(item);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await RelistAsync(stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
                while (resourceVersion is not null && !stoppingToken.IsCancellationRequested)
                {
                    resourceVersion = await WatchAsync(resourceVersion, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                KubernetesLog.CacheError(logger, source.Kind, backoff.TotalSeconds, e.Message);
                await Task.Delay(backoff, timeProvider, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await source.ListAsync(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = source.Key(item);
            seen.Add(key);
            Set(key, source.Project(item));
        }

        foreach (var key in _items.Keys.Where(key => !seen.Contains(key)))
        {
            Remove(key);
        }

        if (!_synced)
        {
            _synced = true;
            KubernetesLog.CacheSynced(logger, source.Kind, _items.Count);
        }

        return resourceVersion;
    }

    /// <summary>Applies watch events; returns the resourceVersion to resume from, or null to relist.</summary>
    private async Task<string?> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        await foreach (var (type, item) in source.WatchAsync(resourceVersion, cancellationToken))
        {
            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    Set(source.Key(item), source.Project(item));
                    break;
                case WatchEventType.Deleted:
                    Remove(source.Key(item));
                    break;
                case WatchEventType.Error:
                    // Usually 410 Gone: our resourceVersion is too old. Start over from a fresh list.
                    return null;
            }

            resourceVersion = source.ResourceVersion(item) ?? resourceVersion;
        }

        return resourceVersion;
    }

    private void Set(string key, TInfo current)
    {
        _items.TryGetValue(key, out var old);
        _items[key] = current;
        foreach (var index in _indexes)
        {
            index.Update(key, old, current);
        }
    }

    private void Remove(string key)
    {
        if (_items.TryRemove(key, out var old))
        {
            foreach (var index in _indexes)
            {
                index.Update(key, old, null);
            }
        }
    }
}
