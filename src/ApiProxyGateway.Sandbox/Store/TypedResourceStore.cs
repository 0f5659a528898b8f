using System.Text.Json.Nodes;
using k8s;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>
/// k8s.Models access to a <see cref="ResourceStore"/>, for tests and in-process components
/// (<c>store.Typed.Get&lt;V1Pod&gt;("demo", "web")</c>).
/// </summary>
public sealed class TypedResourceStore
{
    private readonly ResourceStore _store;

    internal TypedResourceStore(ResourceStore store) => _store = store;

    public T? Get<T>(string? @namespace, string name)
        where T : class, IKubernetesObject =>
        _store.Get(ResourceCatalog.ForModel(typeof(T)), @namespace, name) is { } found ? FromJson<T>(found) : null;

    public IReadOnlyList<T> List<T>(string? @namespace = null)
        where T : class, IKubernetesObject =>
        [.. _store.List(ResourceCatalog.ForModel(typeof(T)), @namespace).Items.Select(FromJson<T>)];

    public T Create<T>(T obj)
        where T : class, IKubernetesObject =>
        FromJson<T>(_store.Create(ResourceCatalog.ForModel(typeof(T)), ToJson(obj)));

    public T Update<T>(T obj)
        where T : class, IKubernetesObject =>
        FromJson<T>(_store.Update(ResourceCatalog.ForModel(typeof(T)), ToJson(obj)));

    public T Delete<T>(string? @namespace, string name)
        where T : class, IKubernetesObject =>
        FromJson<T>(_store.Delete(ResourceCatalog.ForModel(typeof(T)), @namespace, name));

    public StoreWatch Watch<T>(string? @namespace = null, long? sinceResourceVersion = null)
        where T : class, IKubernetesObject =>
        _store.Watch(ResourceCatalog.ForModel(typeof(T)), @namespace, sinceResourceVersion);

    public static T FromJson<T>(JsonObject json) => KubernetesJson.Deserialize<T>(json);

    public static JsonObject ToJson(object obj) =>
        JsonNode.Parse(KubernetesJson.Serialize(obj)) as JsonObject
        ?? throw new ArgumentException("The object does not serialize to a JSON object.", nameof(obj));
}
