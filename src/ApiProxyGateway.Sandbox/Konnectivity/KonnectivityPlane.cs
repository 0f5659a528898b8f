using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Scenarios;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// The sandbox's Konnectivity (<c>--egress</c>): a konnectivity-server on <c>127.B.0.3</c> (frontend 8090 and
/// <c>DIR/konnectivity/konnectivity-server.socket</c>, agents 8091) and one konnectivity-agent per node, serving the
/// node's address and its pod range from the nodes' network namespace. The faults the gateway's tests need: an agent
/// down, the server down, slow dials.
/// </summary>
public sealed class KonnectivityPlane : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly AddressPlan _plan;
    private readonly IReadOnlyList<SandboxNodeSettings> _nodes;
    private readonly TimeProvider _timeProvider;
    private readonly KonnectivityServer _server;
    private readonly Dictionary<string, KonnectivityAgent> _agents = new(StringComparer.Ordinal);
    private readonly List<AgentIdentifiers> _identifiers = [];

    internal KonnectivityPlane(AddressPlan plan, IReadOnlyList<SandboxNodeSettings> nodes, SandboxPki pki, NodeNetwork network, string stateDirectory, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        _plan = plan;
        _nodes = nodes;
        _timeProvider = timeProvider;
        SocketPath = SocketPathIn(stateDirectory);
        NetworkNamespace = network.NamespaceName;
        var logger = loggerFactory.CreateLogger("ApiProxyGateway.Sandbox.Konnectivity");
        _server = new KonnectivityServer(
            new KonnectivityServerOptions
            {
                UdsPath = SocketPath,
                FrontendEndPoint = plan.KonnectivityServerEndPoint,
                AgentEndPoint = plan.KonnectivityAgentEndPoint,
                ServerCertificate = pki.KonnectivityServer.Certificate,
                ClientCa = pki.KonnectivityCa.Certificate,
                NodeOf = NodeOf,
                TimeProvider = timeProvider,
            },
            loggerFactory);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var address = plan.NodeAddress(i + 1);
            var identifiers = new AgentIdentifiers([node.Name], [address], [IPNetwork.Parse(plan.PodNetwork(i + 1))]);
            _identifiers.Add(identifiers);
            var options = new KonnectivityAgentOptions
            {
                NodeName = node.Name,
                AgentId = $"konnectivity-agent-{node.Name}",
                Identifiers = identifiers,
                NodeAddress = address,
                ServerUrl = new Uri($"https://{plan.KonnectivityAgentEndPoint}"),
                ClientCertificate = pki.IssueKonnectivityAgent(node.Name).Certificate,
                ServerCa = pki.KonnectivityCa.Certificate,
                Network = network,
                TimeProvider = timeProvider,
            };
            _agents[node.Name] = new KonnectivityAgent(options, logger) { DialDelay = node.AgentDialDelay };
        }
    }

    /// <summary>A Unix socket path has at most this many bytes (sockaddr_un's sun_path, less its terminating zero).</summary>
    public const int MaximumSocketPathLength = 107;

    /// <summary><c>DIR/konnectivity/konnectivity-server.socket</c>.</summary>
    public static string SocketPathIn(string stateDirectory) => Path.Combine(Path.GetFullPath(stateDirectory), "konnectivity", "konnectivity-server.socket");

    /// <summary>The server's Unix domain socket: gRPC and HTTP CONNECT.</summary>
    public string SocketPath { get; }

    /// <summary>The server's TCP frontend (mutual TLS with the konnectivity CA): HTTP CONNECT and gRPC.</summary>
    public Uri FrontendUrl => new($"https://{_plan.KonnectivityServerEndPoint}");

    /// <summary>The network namespace the kubelets and pods live in (<c>ip netns list</c>).</summary>
    public string? NetworkNamespace { get; }

    public bool IsServerRunning => _server.IsRunning;

    /// <summary>The nodes whose agent is connected to the server now.</summary>
    public IReadOnlyList<string> ConnectedNodes => _server.ConnectedNodes;

    /// <summary>Starts the server and the agents the scenario wants, and waits until those agents are connected.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _server.StartAsync(cancellationToken);
        foreach (var node in _nodes.Where(n => n.KonnectivityAgent))
        {
            _agents[node.Name].Start();
        }

        await WaitForAgentsAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// "Server down": every stream is told DRAIN and ends (a dialler's once it ends its side, or after 5 s); the socket
    /// and ports refuse connections.
    /// </summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    /// <summary>Starts the server again and waits until the running agents have reconnected.</summary>
    public async Task StartServerAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await _server.StartAsync(cancellationToken);
        await WaitForAgentsAsync(timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>
    /// "Agent down": the node's agent says DRAIN and disconnects, and this waits until konnectivity-server has seen it
    /// go; dials to the node then fail, naming it. (Without the wait, a dial right after could still be routed to the
    /// agent the server had not yet dropped, and fail some other way.)
    /// </summary>
    public async Task StopAgentAsync(string node, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await Agent(node).StopAsync();
        await WaitForAgentsAsync(timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>Starts the node's agent again and waits until it is connected.</summary>
    public async Task StartAgentAsync(string node, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Agent(node).Start();
        await WaitForAgentsAsync(timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>"Slow dials": the node's agent waits <paramref name="delay"/> before each dial (zero: no delay).</summary>
    public void SetDialDelay(string node, TimeSpan delay) => Agent(node).DialDelay = delay;

    /// <summary>
    /// Waits until the server's list of connected agents is the running ones: every running agent connected, no stopped
    /// one still listed; <see cref="TimeoutException"/> naming those that are not yet where they should be.
    /// </summary>
    public async Task WaitForAgentsAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _timeProvider.GetUtcNow() + timeout;
        while (Unsettled() is { Count: > 0 } unsettled)
        {
            if (_timeProvider.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"The konnectivity agents of {string.Join(", ", unsettled)} were not connected (if running) or dropped (if stopped) by konnectivity-server within {timeout}.");
            }

            await Task.Delay(PollInterval, _timeProvider, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            await agent.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    /// <summary>Agents whose state the server does not reflect yet: running but not connected, or stopped but still listed.</summary>
    private List<string> Unsettled()
    {
        var connected = _server.ConnectedNodes;
        return [.. _agents.Values.Where(a => a.IsRunning != connected.Contains(a.NodeName)).Select(a => a.NodeName)];
    }

    private KonnectivityAgent Agent(string node) =>
        _agents.TryGetValue(node, out var agent) ? agent : throw new ArgumentException($"No scenario node \"{node}\".", nameof(node));

    /// <summary>The node that owns a destination host: its address, one of its pods' addresses, or its name.</summary>
    private string? NodeOf(string host)
    {
        var owner = _identifiers.FindIndex(identifiers => identifiers.Serves(host));
        return owner < 0 ? null : _nodes[owner].Name;
    }
}
