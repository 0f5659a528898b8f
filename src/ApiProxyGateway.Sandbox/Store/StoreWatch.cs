using System.Threading.Channels;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>
/// A live subscription to store changes for one resource (optionally one namespace). Events arrive in resource-version
/// order; dispose to unsubscribe.
/// </summary>
public sealed class StoreWatch : IDisposable
{
    private readonly Channel<StoreEvent> _channel = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<StoreWatch> _unsubscribe;

    internal StoreWatch(ResourceType resourceType, string? @namespace, Action<StoreWatch> unsubscribe)
    {
        ResourceType = resourceType;
        Namespace = @namespace;
        _unsubscribe = unsubscribe;
    }

    public ResourceType ResourceType { get; }

    /// <summary>The namespace watched, or null for all namespaces.</summary>
    public string? Namespace { get; }

    public ChannelReader<StoreEvent> Events => _channel.Reader;

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal bool Matches(StoreEvent storeEvent) =>
        ReferenceEquals(storeEvent.ResourceType, ResourceType) && (Namespace is null || Namespace == storeEvent.Namespace);

    internal void Publish(StoreEvent storeEvent) => _channel.Writer.TryWrite(storeEvent);
}
