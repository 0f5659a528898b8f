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
    private volatile bool _synced;

    public string Kind => source.Kind;

    public bool HasSynced => _synced;

    public int Count => _items.Count;

    /// <summary>Everything cached now (for lookups by something other than the key, such as a label).</summary>
    public IEnumerable<TInfo> Values => _items.Values;

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
            _items[key] = source.Project(item);
        }

        foreach (var key in _items.Keys.Where(key => !seen.Contains(key)))
        {
            _items.TryRemove(key, out _);
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
                    _items[source.Key(item)] = source.Project(item);
                    break;
                case WatchEventType.Deleted:
                    _items.TryRemove(source.Key(item), out _);
                    break;
                case WatchEventType.Error:
                    // Usually 410 Gone: our resourceVersion is too old. Start over from a fresh list.
                    return null;
            }

            resourceVersion = source.ResourceVersion(item) ?? resourceVersion;
        }

        return resourceVersion;
    }
}
