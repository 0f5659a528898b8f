using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Controllers;
using ApiProxyGateway.Sandbox.Gateway;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Sandbox.Kubelets;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Sandbox.PodStreams;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Store;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>
/// A running sandbox: PKI, simulated kube-apiserver, in-memory store, a simulated kubelet and process-backed
/// container runtime per node, and (by default) the gateway as a child process. With <see cref="SandboxOptions.Egress"/>
/// the kubelets and pods live in a network namespace of their own, reachable only through a konnectivity-agent per node
/// (<see cref="Konnectivity"/>). <c>Program.cs</c>, the tests and the benchmark all start it through <see cref="StartAsync(SandboxOptions, CancellationToken)"/>.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly SandboxPki _pki;
    private readonly SimulatedApiServer _apiServer;
    private readonly ApiServerContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _controllers;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Scenario _scenario;
    private readonly NodeNetwork _network;
    private GatewayProcess? _gateway;
    private GatewayReplicaSet? _replicas;
    private KubeletFleet? _kubelets;

    private SandboxHost(SandboxOptions options, AddressPlan plan, SandboxPki pki, Scenario scenario, NodeNetwork network, ApiServerContext context, SimulatedApiServer apiServer, ILoggerFactory loggerFactory, ILogger logger)
    {
        _scenario = scenario;
        _network = network;
        _loggerFactory = loggerFactory;
        Options = options;
        AddressPlan = plan;
        _pki = pki;
        Config = scenario.Config;
        _context = context;
        _apiServer = apiServer;
        _logger = logger;
        StateDirectory = Path.GetDirectoryName(pki.Paths.Directory)!; // ! the PKI directory is always inside the state directory
        Konnectivity = options.Egress is null ? null : new KonnectivityPlane(plan, scenario.NodeSettings, pki, network, StateDirectory, loggerFactory, options.TimeProvider);
        _controllers = new EndpointsController(context.Store).RunAsync(_stopping.Token);
    }

    public SandboxOptions Options { get; }

    public AddressPlan AddressPlan { get; }

    /// <summary>The state directory as an absolute path.</summary>
    public string StateDirectory { get; }

    /// <summary>The users' kubeconfig: contexts USER (through the gateway) and direct-USER; current context admin.</summary>
    public string KubeconfigPath => Path.Combine(StateDirectory, "kubeconfig");

    /// <summary>The gateway's own kubeconfig (CN=apiproxygateway to the simulated API server).</summary>
    public string GatewayKubeconfigPath => Path.Combine(StateDirectory, "gateway.kubeconfig");

    public string GatewayLogPath => Path.Combine(StateDirectory, "logs", "gateway.log");

    /// <summary>Where the gateway writes its audit events (<c>--audit-log-path</c>), one JSON object per line.</summary>
    public string AuditLogPath => Path.Combine(StateDirectory, "logs", "audit.log");

    public SandboxPkiPaths Pki => _pki.Paths;

    /// <summary>With <see cref="SandboxOptions.Egress"/>: konnectivity-server and the agents, with their faults; otherwise null.</summary>
    public KonnectivityPlane? Konnectivity { get; }

    /// <summary>With <see cref="SandboxOptions.Egress"/>: the EgressSelectorConfiguration the gateway is started with.</summary>
    public string EgressSelectorConfigPath => Path.Combine(StateDirectory, "egress-selector.yaml");

    public Uri ApiServerUrl => AddressPlan.ApiServerUrl;

    public Uri GatewayUrl => AddressPlan.GatewayUrl;

    public SandboxConfig Config { get; }

    public IReadOnlyList<SandboxUser> Users => Config.Users;

    public ResourceStore Store => _context.Store;

    public RequestLog RequestLog => _context.RequestLog;

    /// <summary>What the simulated kubelets received: method, path and query, headers as sent, and the client certificate.</summary>
    public RequestLog KubeletRequestLog => _kubelets?.Requests ?? new RequestLog();

    public bool IsApiServerRunning => _apiServer.IsRunning;

    /// <summary>Every host process the sandbox started (containers, exec sessions); none is left after <see cref="DisposeAsync"/>.</summary>
    public ProcessRegistry Processes { get; } = new();

    /// <summary><c>DIR/pods</c>: one directory per pod (<c>NS_POD</c>), holding one working directory per container and <c>tls/</c>.</summary>
    public string PodsDirectory => Path.Combine(StateDirectory, "pods");

    /// <summary>Where the gateway writes its session recordings (<c>--recording-dir</c>).</summary>
    public string RecordingsDirectory => Path.Combine(StateDirectory, "recordings");

    /// <summary>The kubelet API of node <paramref name="node"/>: <c>https://127.B.1.N:10250</c> (N = its place in the scenario).</summary>
    public Uri KubeletUrl(string node) =>
        _scenario.NodeNames.ToList().IndexOf(node) is var index and >= 0
            ? new Uri($"https://{AddressPlan.NodeAddress(index + 1)}:{AddressPlan.KubeletPort}")
            : throw new ArgumentException($"No scenario node \"{node}\".", nameof(node));

    /// <summary>
    /// Null when the gateway was not started (<see cref="SandboxOptions.StartGateway"/> false); with replicas, the
    /// first replica's.
    /// </summary>
    public int? GatewayProcessId => _gateway?.ProcessId ?? (_replicas?.Replicas is [var first, ..] ? first.ProcessId : null);

    /// <summary>
    /// With <see cref="SandboxOptions.GatewayReplicas"/> above 1, the replicas behind the load balancer (which listens
    /// on <see cref="GatewayUrl"/>); otherwise empty.
    /// </summary>
    public IReadOnlyList<GatewayReplica> GatewayReplicas => _replicas?.Replicas ?? [];

    /// <summary>One step of <see cref="RollGatewaysAsync"/>: a new replica starts and enters rotation, then replica <paramref name="name"/> gets SIGTERM and drains.</summary>
    public Task<ReplicaReplacement> ReplaceGatewayReplicaAsync(string name, CancellationToken cancellationToken = default) =>
        _replicas?.ReplaceAsync(name, cancellationToken) ?? throw new InvalidOperationException("Replacing a replica needs gateway replicas (--gateway-replicas 2 or more).");

    /// <summary>With replicas, the HAProxy process in front of them; otherwise null.</summary>
    public int? BalancerProcessId => _replicas?.BalancerProcessId;

    /// <summary>
    /// A rolling restart of the replicas (<see cref="SandboxOptions.GatewayReplicas"/> above 1), as a Deployment with
    /// <c>maxSurge: 1, maxUnavailable: 0</c> does it: for each replica, a new one starts and enters rotation, then the
    /// old one gets SIGTERM and drains. Returns what each step took.
    /// </summary>
    public Task<IReadOnlyList<ReplicaReplacement>> RollGatewaysAsync(CancellationToken cancellationToken = default) =>
        _replicas?.RollAsync(cancellationToken) ?? throw new InvalidOperationException("A rolling restart needs gateway replicas (--gateway-replicas 2 or more).");

    /// <summary>
    /// Waits for the gateway process to exit (for tests that stop it themselves) and returns its exit code;
    /// <see cref="DisposeAsync"/> copes with a gateway that has already exited.
    /// </summary>
    public Task<int> WaitForGatewayExitAsync(CancellationToken cancellationToken = default) =>
        _gateway?.WaitForExitAsync(cancellationToken) ?? throw new InvalidOperationException("The sandbox did not start the gateway.");

    /// <summary>The exact arguments the gateway is (or would be) started with.</summary>
    /// <summary>
    /// Behind the balancer, a replica keeps accepting connections after SIGTERM until HAProxy has seen its readiness
    /// fail (about 1.25 s), then drains for long enough to watch (the Sandbox environment's 0 s and 2 s suit a single gateway stopped with Ctrl-C).
    /// </summary>
    private static readonly string[] ReplicaShutdown = ["--Shutdown:ReadinessGracePeriod=00:00:03", "--Shutdown:DrainPeriod=00:00:10"];

    public IReadOnlyList<string> GatewayArguments => ArgumentsFor(AddressPlan.GatewayAddress, AuditLogPath);

    private IReadOnlyList<string> ArgumentsFor(System.Net.IPAddress bindAddress, string auditLogPath) =>
    [
        .. GatewayCommandLine.Arguments(bindAddress, AddressPlan, Pki, GatewayKubeconfigPath, auditLogPath),
        .. Options.Egress is null ? [] : GatewayCommandLine.EgressArguments(EgressSelectorConfigPath),
        .. Options.GatewayReplicas > 1 ? ReplicaShutdown : [],
        .. Options.ExtraGatewayArguments,
    ];

    /// <summary>
    /// Why <see cref="SandboxOptions.Egress"/> cannot work on this machine (it needs a network namespace: Linux, root,
    /// iproute2's ip), or null when it (probably) can; for callers that skip egress instead of failing, as the benchmark does.
    /// </summary>
    public static string? EgressUnavailable() => NodeNetwork.IsolationUnavailable();

    public static Task<SandboxHost> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, NullLoggerFactory.Instance, cancellationToken);

    public static async Task<SandboxHost> StartAsync(SandboxOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"Invalid sandbox options: {string.Join(" ", errors)}", nameof(options));
        }

        if (options.Egress is not null && EgressUnavailable() is { } unavailable)
        {
            throw new InvalidOperationException(
                $"--egress puts the kubelets and pods in a network namespace of their own, so that only the konnectivity agents reach them, and this machine cannot make one: {unavailable}. Run the sandbox as root on Linux with iproute2's ip, or without --egress.");
        }

        var logger = loggerFactory.CreateLogger("ApiProxyGateway.Sandbox");
        var scenario = options.ScenarioFile is null ? ScenarioLoader.LoadDefault() : ScenarioLoader.LoadFile(options.ScenarioFile);
        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        for (var attempt = 1; ; attempt++)
        {
            var block = options.AddressBlock ?? Random.Shared.Next(AddressPlan.MinimumTestBlock, AddressPlan.MaximumTestBlock + 1);
            SandboxLog.Starting(logger, stateDirectory, block, scenario.Source);
            var host = Create(options, new AddressPlan(block), stateDirectory, scenario, loggerFactory, logger);
            try
            {
                await host._apiServer.StartAsync(cancellationToken);
                await host.StartKubeletsAsync(cancellationToken);
                if (host.Konnectivity is { } konnectivity)
                {
                    await konnectivity.StartAsync(options.AgentConnectTimeout, cancellationToken);
                }

                await host.StartGatewayAsync(cancellationToken);
                return host;
            }
            catch (Exception e) when (options.AddressBlock is null && attempt < 10 && e is AddressInUseException or IOException { InnerException: AddressInUseException })
            {
                SandboxLog.BlockInUse(logger, block);
                await host.DisposeAsync();
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Stops the simulated API server (open watches end; the port refuses connections) — "API server down".</summary>
    public Task StopApiServerAsync(CancellationToken cancellationToken = default) => _apiServer.StopAsync(cancellationToken);

    /// <summary>Starts the simulated API server again on the same address with the same state.</summary>
    public Task StartApiServerAsync(CancellationToken cancellationToken = default) => _apiServer.StartAsync(cancellationToken);

    /// <summary>Lets a later component (the simulated kubelets) serve a subresource such as "pods/log" or "nodes/proxy".</summary>
    public void RegisterSubresource(string resourceAndSubresource, SubresourceHandler handler) =>
        _context.Subresources[resourceAndSubresource] = handler;

    /// <summary>An HttpClient straight to the simulated API server as a scenario user, trusting only the cluster CA.</summary>
    public HttpClient CreateApiServerClient(string user) => CreateClient(ApiServerUrl, user);

    /// <summary>An HttpClient to the gateway as a scenario user, trusting only the cluster CA.</summary>
    public HttpClient CreateGatewayClient(string user) => CreateClient(GatewayUrl, user);

    /// <summary>
    /// An HttpClient straight to the simulated API server presenting <paramref name="clientCertificate"/> (with its
    /// private key), or no certificate at all when null; trusts only the cluster CA.
    /// </summary>
    public HttpClient CreateApiServerClientWithCertificate(X509Certificate2? clientCertificate) => CreateClient(ApiServerUrl, clientCertificate);

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
        }

        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
            _replicas = null;
        }

        await _controllers;
        if (Konnectivity is not null)
        {
            await Konnectivity.DisposeAsync();
        }

        if (_kubelets is not null)
        {
            await _kubelets.DisposeAsync();
            _kubelets = null;
        }

        await Processes.KillAllAsync();
        await _apiServer.DisposeAsync();
        _network.Dispose();
        _stopping.Dispose();
        SandboxLog.Stopped(_logger);
    }

    private static SandboxHost Create(SandboxOptions options, AddressPlan plan, string stateDirectory, Scenario scenario, ILoggerFactory loggerFactory, ILogger logger)
    {
        Directory.CreateDirectory(stateDirectory);
        Directory.CreateDirectory(Path.Combine(stateDirectory, "logs"));
        var pki = SandboxPki.Create(new SandboxPkiPaths(stateDirectory), plan, scenario.Config.Users, options.TimeProvider);
        pki.Write();
        var store = new ResourceStore(options.TimeProvider, options.WatchHistoryCapacity);
        BootstrapPolicy.Install(store);
        new ScenarioMaterializer(plan, store, options.TimeProvider).Apply(scenario);
        var context = new ApiServerContext(store, new RbacAuthorizer(store), new RequestLog(), plan, options.TimeProvider);
        var network = options.Egress is null ? NodeNetwork.Host : NodeNetwork.Isolated();
        SandboxHost host;
        try
        {
            host = new SandboxHost(options, plan, pki, scenario, network, context, new SimulatedApiServer(context, pki, loggerFactory), loggerFactory, logger);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        if (host.Konnectivity is { } konnectivity)
        {
            // As kube-apiserver with an egress selector: the API server's own kubelet connections go through konnectivity too.
            PodSubresources.Register(context, pki, (connection, cancellationToken) => new ValueTask<Stream>(
                HttpConnectClient.ConnectAsync(konnectivity.SocketPath, $"{connection.DnsEndPoint.Host}:{connection.DnsEndPoint.Port}", cancellationToken)));
            File.WriteAllText(host.EgressSelectorConfigPath, EgressSelectorFile.Render(options.Egress!.Value, options.EgressTransport, konnectivity.SocketPath, konnectivity.FrontendUrl, pki.Paths)); // ! Konnectivity exists only with Egress
        }
        else
        {
            PodSubresources.Register(context, pki);
        }

        KubeconfigWriter.WriteUserKubeconfig(host.KubeconfigPath, plan, pki, scenario.Config.Users.Select(u => u.Name));
        KubeconfigWriter.WriteGatewayKubeconfig(host.GatewayKubeconfigPath, plan, pki);
        return host;
    }

    private async Task StartKubeletsAsync(CancellationToken cancellationToken)
    {
        _kubelets = await KubeletFleet.StartAsync(
            _scenario, AddressPlan, _network, _pki, Store, _context.Authorizer, StateDirectory, Processes, Options.TimeProvider, _loggerFactory, cancellationToken);
        if (!await _kubelets.WaitForPodsAsync(Options.PodStartTimeout, Options.TimeProvider, cancellationToken))
        {
            SandboxLog.PodsNotReady(_logger, Options.PodStartTimeout);
        }
    }

    private async Task StartGatewayAsync(CancellationToken cancellationToken)
    {
        if (!Options.StartGateway)
        {
            SandboxLog.GatewayDisabled(_logger);
            return;
        }

        if (Options.GatewayReplicas > 1)
        {
            _replicas = await GatewayReplicaSet.StartAsync(Options.GatewayReplicas, AddressPlan, ArgumentsFor, StateDirectory, Options, _logger, cancellationToken);
            return;
        }

        _gateway = await GatewayProcess.StartAsync(
            GatewayArguments, AddressPlan.GatewayEndPoint, GatewayLogPath, Options.GatewayStartTimeout, Options.GatewayStopGracePeriod, _logger, cancellationToken);
    }

    private HttpClient CreateClient(Uri baseAddress, string user) =>
        CreateClient(baseAddress, _pki.Users.TryGetValue(user, out var found) ? found.Certificate : throw new ArgumentException($"No scenario user \"{user}\".", nameof(user)));

    private HttpClient CreateClient(Uri baseAddress, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _pki.ClusterCa.Certificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
