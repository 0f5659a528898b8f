using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.IntegrationTests.Protocols;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Tests.Support;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// A konnectivity plane without the rest of the sandbox: konnectivity-server in a random 127.B block, agents for
/// <c>node-a</c> and <c>node-b</c> (<c>node-c</c>'s agent is off, as the scenario knob <c>konnectivityAgent: false</c>
/// makes it), and in the nodes' network namespace an echo server on each node address and on one pod address per
/// node (port 7000), and a server that greets and closes on node-a (port 7001). Nothing listens on port 7002.
/// </summary>
public sealed class KonnectivityFixture : IAsyncLifetime
{
    public const int EchoPort = 7000;
    public const int CloserPort = 7001;
    public const int SilentPort = 7002;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("apg-konn-");
    private readonly List<EchoServer> _listeners = [];

    /// <summary>Why this machine cannot run these tests (no network namespaces), or null.</summary>
    public string? Unavailable { get; } = NodeNetwork.IsolationUnavailable();

    internal NodeNetwork Network { get; private set; } = NodeNetwork.Host;

    internal AddressPlan Plan { get; private set; } = new(AddressPlan.DefaultInteractiveBlock);

    internal SandboxPki Pki { get; private set; } = null!;

    public KonnectivityPlane Plane { get; private set; } = null!;

    /// <summary>node-a's echo server, on the node's own address.</summary>
    internal EchoServer NodeA => _listeners[0];

    /// <summary>node-b's pod echo server, on <c>127.B.12.7</c>.</summary>
    internal EchoServer PodOnNodeB => _listeners[3];

    internal EchoServer Closer => _listeners[^1];

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        Network = NodeNetwork.Isolated();
        for (var attempt = 1; ; attempt++)
        {
            Plan = new AddressPlan(Random.Shared.Next(AddressPlan.MinimumTestBlock, AddressPlan.MaximumTestBlock + 1));
            Pki = SandboxPki.Create(new SandboxPkiPaths(_directory.FullName), Plan, [], TimeProvider.System);
            Plane = new KonnectivityPlane(
                Plan, [new SandboxNodeSettings("node-a"), new SandboxNodeSettings("node-b"), new SandboxNodeSettings("node-c") { KonnectivityAgent = false }],
                Pki, Network, _directory.FullName, NullLoggerFactory.Instance, TimeProvider.System);
            try
            {
                await Plane.StartAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
                break;
            }
            catch (IOException e) when (attempt < 10 && e.InnerException is SocketException or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await Plane.DisposeAsync(); // another sandbox has this block's konnectivity-server address
            }
        }

        foreach (var endPoint in new[] { Node(1), Pod(1, 5), Node(2), Pod(2, 7) })
        {
            _listeners.Add(EchoServer.Listen(Network, endPoint));
        }

        _listeners.Add(EchoServer.Listen(Network, new IPEndPoint(Plan.NodeAddress(1), CloserPort), closeAfterGreeting: true));
    }

    public async ValueTask DisposeAsync()
    {
        if (Plane is not null)
        {
            await Plane.DisposeAsync();
        }

        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        Network.Dispose();
        _directory.Delete(recursive: true);
    }

    /// <summary>Skips the test, saying why, where network namespaces cannot be made.</summary>
    public void SkipUnlessAvailable() => Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");

    public GrpcChannel SocketChannel() => ProxyStream.OverSocket(Plane.SocketPath);

    /// <summary>A ProxyService stream over the server's socket, on a channel of its own (as the gateway opens one per tunnel).</summary>
    internal ProxyStream Tunnel() => ProxyStream.Open(SocketChannel(), TestWait.Timeout(), ownsChannel: true);

    internal IPEndPoint Node(int number, int port = EchoPort) => new(Plan.NodeAddress(number), port);

    internal IPEndPoint Pod(int node, int pod, int port = EchoPort) => new(Plan.PodAddress(node, pod), port);
}
