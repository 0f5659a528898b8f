using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using k8s;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>
/// The simulated cluster's state: every object, one global resource-version counter, a bounded event history for
/// watches that resume, and live subscriptions. The API server, the scenario loader, controllers, later the simulated
/// kubelets, and tests all read and write here.
/// </summary>
/// <remarks>
/// Objects are held as JSON trees (what the wire carries) and copied on the way in and out, so no caller can change
/// stored state behind the store's back. <see cref="ResourceStore.Typed"/> gives k8s.Models access for tests.
/// </remarks>
public sealed class ResourceStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private readonly Queue<StoreEvent> _history = new();
    private readonly List<StoreWatch> _watches = [];
    private readonly int _historyCapacity;
    private readonly TimeProvider _timeProvider;
    private long _resourceVersion = 1;
    private long _compactedThrough = 1;

    public ResourceStore(TimeProvider timeProvider, int historyCapacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        _timeProvider = timeProvider;
        _historyCapacity = historyCapacity;
        Typed = new TypedResourceStore(this);
    }

    /// <summary>The resource version of the latest change.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Typed access through the k8s.Models classes.</summary>
    public TypedResourceStore Typed { get; }

    public JsonObject? Get(ResourceType type, string? @namespace, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(new ObjectKey(type, NamespaceOf(type, @namespace), name), out var found) ? Copy(found) : null;
        }
    }

    /// <summary>Objects of a type, sorted by namespace then name as kube-apiserver lists them, and the list's resource version.</summary>
    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? @namespace)
    {
        lock (_lock)
        {
            var items = _objects
                .Where(e => ReferenceEquals(e.Key.Type, type) && (@namespace is null || e.Key.Namespace == @namespace))
                .OrderBy(e => e.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Name, StringComparer.Ordinal)
                .Select(e => Copy(e.Value))
                .ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>Stores a new object, assigning uid, creationTimestamp, resourceVersion (and a name from generateName).</summary>
    public JsonObject Create(ResourceType type, JsonObject obj)
    {
        var stored = Copy(obj);
        var metadata = MetadataOf(stored);
        lock (_lock)
        {
            var key = KeyOf(type, metadata);
            if (key.Name.Length == 0 && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            {
                key = key with { Name = GenerateName(type, key.Namespace, prefix) };
                metadata["name"] = key.Name;
            }

            if (type.Namespaced && !_objects.ContainsKey(new ObjectKey(ResourceCatalog.Namespaces, "", key.Namespace)))
            {
                throw ResourceStoreException.NotFound(ResourceCatalog.Namespaces.GroupResource, key.Namespace);
            }

            if (_objects.ContainsKey(key))
            {
                throw ResourceStoreException.AlreadyExists(type.GroupResource, key.Name);
            }

            metadata["uid"] ??= Guid.NewGuid().ToString();
            metadata["creationTimestamp"] ??= Timestamp(_timeProvider.GetUtcNow());
            Stamp(type, stored);
            _objects[key] = stored;
            Publish(WatchEventType.Added, type, stored);
            return Copy(stored);
        }
    }

    /// <summary>
    /// Replaces an object. A non-empty metadata.resourceVersion must match the stored one (optimistic concurrency);
    /// uid and creationTimestamp are kept from the stored object.
    /// </summary>
    public JsonObject Update(ResourceType type, JsonObject obj)
    {
        var stored = Copy(obj);
        var metadata = MetadataOf(stored);
        lock (_lock)
        {
            var key = KeyOf(type, metadata);
            if (!_objects.TryGetValue(key, out var current))
            {
                throw ResourceStoreException.NotFound(type.GroupResource, key.Name);
            }

            var expected = metadata["resourceVersion"]?.GetValue<string>();
            var currentMetadata = MetadataOf(current);
            if (!string.IsNullOrEmpty(expected) && expected != currentMetadata["resourceVersion"]?.GetValue<string>())
            {
                throw ResourceStoreException.Conflict(type.GroupResource, key.Name);
            }

            metadata["uid"] = currentMetadata["uid"]?.DeepClone();
            metadata["creationTimestamp"] = currentMetadata["creationTimestamp"]?.DeepClone();
            Stamp(type, stored);
            _objects[key] = stored;
            Publish(WatchEventType.Modified, type, stored);
            return Copy(stored);
        }
    }

    /// <summary>Removes an object and returns it as last seen (with the deletion's resource version).</summary>
    public JsonObject Delete(ResourceType type, string? @namespace, string name)
    {
        lock (_lock)
        {
            var key = new ObjectKey(type, NamespaceOf(type, @namespace), name);
            if (!_objects.Remove(key, out var removed))
            {
                throw ResourceStoreException.NotFound(type.GroupResource, name);
            }

            if (ReferenceEquals(type, ResourceCatalog.Namespaces))
            {
                // kube-apiserver's namespace controller empties a deleted namespace; do it at once.
                foreach (var child in _objects.Keys.Where(k => k.Type.Namespaced && k.Namespace == name).ToList())
                {
                    _objects.Remove(child, out var childObject);
                    Stamp(child.Type, childObject!); // ! the key was just enumerated under the same lock
                    Publish(WatchEventType.Deleted, child.Type, childObject!);
                }
            }

            Stamp(type, removed);
            Publish(WatchEventType.Deleted, type, removed);
            return Copy(removed);
        }
    }

    /// <summary>
    /// Subscribes to changes of <paramref name="type"/>. With <paramref name="sinceResourceVersion"/>, first replays the
    /// retained events newer than it; throws a 410 <see cref="ResourceStoreException"/> when those were already compacted.
    /// </summary>
    public StoreWatch Watch(ResourceType type, string? @namespace, long? sinceResourceVersion = null)
    {
        lock (_lock)
        {
            if (sinceResourceVersion is { } since && since < _compactedThrough)
            {
                throw ResourceStoreException.Expired(since, _compactedThrough + 1);
            }

            var watch = new StoreWatch(type, @namespace, Unsubscribe);
            if (sinceResourceVersion is { } from)
            {
                foreach (var past in _history.Where(e => e.ResourceVersion > from && watch.Matches(e)))
                {
                    watch.Publish(past with { Resource = Copy(past.Resource) });
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private void Stamp(ResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        MetadataOf(obj)["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
    }

    private void Publish(WatchEventType eventType, ResourceType type, JsonObject obj)
    {
        var storeEvent = new StoreEvent(eventType, type, obj, _resourceVersion);
        _history.Enqueue(storeEvent);
        while (_history.Count > _historyCapacity)
        {
            _compactedThrough = _history.Dequeue().ResourceVersion;
        }

        foreach (var watch in _watches.Where(w => w.Matches(storeEvent)))
        {
            watch.Publish(storeEvent with { Resource = Copy(obj) });
        }
    }

    private void Unsubscribe(StoreWatch watch)
    {
        lock (_lock)
        {
            _watches.Remove(watch);
        }
    }

    private string GenerateName(ResourceType type, string @namespace, string prefix)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789"; // kube-apiserver's alphabet: no vowels, no look-alikes
        while (true)
        {
            var name = prefix + RandomNumberGenerator.GetString(Alphabet, 5);
            if (!_objects.ContainsKey(new ObjectKey(type, @namespace, name)))
            {
                return name;
            }
        }
    }

    private static ObjectKey KeyOf(ResourceType type, JsonObject metadata) => new(
        type,
        NamespaceOf(type, metadata["namespace"]?.GetValue<string>()),
        metadata["name"]?.GetValue<string>() ?? "");

    private static string NamespaceOf(ResourceType type, string? @namespace) => type.Namespaced ? @namespace ?? "" : "";

    private static JsonObject MetadataOf(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    private static JsonObject Copy(JsonObject obj) => (JsonObject)obj.DeepClone();

    private readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name);
}
