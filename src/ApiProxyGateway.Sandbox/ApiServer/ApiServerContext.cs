using System.Collections.Concurrent;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>Everything the simulated API server's handlers share; it outlives restarts of the Kestrel host.</summary>
internal sealed class ApiServerContext(ResourceStore store, RbacAuthorizer authorizer, RequestLog requestLog, AddressPlan plan, TimeProvider timeProvider)
{
    public ResourceStore Store { get; } = store;

    public RbacAuthorizer Authorizer { get; } = authorizer;

    public RequestLog RequestLog { get; } = requestLog;

    public AddressPlan Plan { get; } = plan;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Handlers for "resource/subresource" (e.g. "pods/log"), registered by later components.</summary>
    public ConcurrentDictionary<string, SubresourceHandler> Subresources { get; } = new(StringComparer.Ordinal);

    /// <summary>How long a watch without timeoutSeconds stays open: kube-apiserver picks 30–60 minutes; so do we.</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);
}
