using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>What one simulated kubelet's handlers share; <see cref="Stopping"/> ends every open stream when the sandbox stops.</summary>
internal sealed record KubeletContext(
    string NodeName,
    SandboxNodeSettings Settings,
    bool WebSocketsExtended,
    NodeRuntime Runtime,
    ResourceStore Store,
    RbacAuthorizer Authorizer,
    ProcessRegistry Registry,
    TimeProvider TimeProvider,
    ILogger Logger,
    CancellationToken Stopping)
{
    /// <summary>Every request the kubelets received, for tests that check what a client really sent.</summary>
    public ApiServer.RequestLog? Requests { get; init; }
}
