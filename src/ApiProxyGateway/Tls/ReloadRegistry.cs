using System.Collections.Concurrent;

namespace ApiProxyGateway.Tls;

/// <summary>The reloadable material of every plane, for the reloader to watch.</summary>
internal sealed class ReloadRegistry
{
    private readonly ConcurrentDictionary<string, IReloadable> _items = new(StringComparer.Ordinal);

    public IReadOnlyCollection<IReloadable> Items => [.. _items.Values];

    public void Add(IReloadable reloadable)
    {
        ArgumentNullException.ThrowIfNull(reloadable);
        _items[reloadable.Plane] = reloadable;
    }
}
