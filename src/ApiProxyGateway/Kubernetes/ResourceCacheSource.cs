using k8s;

namespace ApiProxyGateway.Kubernetes;

/// <summary>How one kind of object is listed, watched, read and projected, for <see cref="ResourceCache{TObject, TInfo}"/>.</summary>
internal sealed record ResourceCacheSource<TObject, TInfo>(
    string Kind,
    Func<CancellationToken, Task<(IReadOnlyList<TObject> Items, string ResourceVersion)>> ListAsync,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, TObject Item)>> WatchAsync,
    Func<string, string, CancellationToken, Task<TObject?>> ReadAsync,
    Func<TObject, string> Key,
    Func<TObject, string?> ResourceVersion,
    Func<TObject, TInfo> Project)
    where TObject : class;
