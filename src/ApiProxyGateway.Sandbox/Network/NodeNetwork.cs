using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ApiProxyGateway.Sandbox.Network;

/// <summary>
/// The network the simulated nodes live in: their kubelets' and pods' listeners, the pods' processes and every
/// connection the sandbox opens on a node's behalf (port-forward, readiness probes, the konnectivity agents' dials).
/// By default that is the host's own loopback (<see cref="Host"/>); with <c>--egress</c> it is a network namespace of
/// its own, so nothing outside it reaches a kubelet or a pod except through an agent, which keeps its other foot in the
/// host's network to reach the konnectivity-server.
/// </summary>
internal sealed class NodeNetwork : IDisposable
{
    private readonly NetworkNamespace? _namespace;

    private NodeNetwork(NetworkNamespace? networkNamespace) => _namespace = networkNamespace;

    /// <summary>The host's network: what the sandbox uses without <c>--egress</c>.</summary>
    public static NodeNetwork Host { get; } = new(null);

    public bool IsIsolated => _namespace is not null;

    /// <summary>The network namespace's name (<c>ip netns list</c>), or null for the host's network.</summary>
    public string? NamespaceName => _namespace?.Name;

    /// <summary>Why <see cref="Isolated"/> cannot work on this machine, or null when it (probably) can.</summary>
    public static string? IsolationUnavailable() => NetworkNamespace.Unavailable();

    /// <summary>A network namespace of its own; <see cref="InvalidOperationException"/> saying why when this machine cannot make one.</summary>
    public static NodeNetwork Isolated() => new(NetworkNamespace.Create());

    /// <summary>A TCP socket in this network (connect it from anywhere: it stays in the network it was made in).</summary>
    public Socket CreateSocket(AddressFamily family) => Run(() => new Socket(family, SocketType.Stream, ProtocolType.Tcp));

    /// <summary>Connects a socket of this network to <paramref name="endPoint"/>.</summary>
    public async Task<Socket> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = CreateSocket(endPoint.AddressFamily);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Kestrel's own bound listen socket, made in this network (for <see cref="SocketTransportOptions.CreateBoundListenSocket"/>).</summary>
    public Socket CreateBoundListenSocket(EndPoint endPoint) => Run(() => SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint));

    /// <summary>Runs <paramref name="action"/> where it creates sockets and processes in this network.</summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _namespace is null ? action() : _namespace.Run(action);
    }

    public void Dispose() => _namespace?.Dispose();

    public override string ToString() => _namespace is null ? "the host's network" : $"network namespace {_namespace.Name}";
}
