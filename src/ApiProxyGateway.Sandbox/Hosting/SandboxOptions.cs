using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>How to start a sandbox. Defaults are the interactive ones (<c>dotnet run --project src/ApiProxyGateway.Sandbox</c>).</summary>
public sealed record SandboxOptions
{
    /// <summary>Where the PKI, kubeconfigs and logs go. Default <c>.sandbox</c> (git-ignored).</summary>
    public string StateDirectory { get; init; } = ".sandbox";

    /// <summary>A scenario YAML file; null uses the built-in default scenario.</summary>
    public string? ScenarioFile { get; init; }

    /// <summary>
    /// The B of <c>127.B.0.0/16</c>. Default 10. Null picks a random block in 20–250 and tries another when an address
    /// is already in use (what tests want, so parallel runs never collide).
    /// </summary>
    public int? AddressBlock { get; init; } = AddressPlan.DefaultInteractiveBlock;

    /// <summary>Start the gateway as a child process in front of the simulated API server. Default true.</summary>
    public bool StartGateway { get; init; } = true;

    /// <summary>
    /// How many gateways run. Default 1, on the plan's gateway address. More (up to
    /// <see cref="AddressPlan.MaximumGatewayReplicas"/>): each on a slot of its own behind HAProxy in TCP mode, which
    /// listens on the gateway address and health-checks every replica's <c>/readyz</c> (needs Debian's <c>haproxy</c>).
    /// </summary>
    public int GatewayReplicas { get; init; } = 1;

    /// <summary>How long a replica replaced by a roll may take to drain and exit after SIGTERM before it is killed. Default 2 min.</summary>
    public TimeSpan GatewayDrainTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Extra gateway flags appended to its command line (e.g. <c>--Streaming:IdleTimeout=00:01:00</c>), for tests.</summary>
    public IReadOnlyList<string> ExtraGatewayArguments { get; init; } = [];

    /// <summary>
    /// Null (the default): the gateway dials kubelets and pods directly. Otherwise every node sits behind its
    /// konnectivity-agent, kubelets and pods live in a network namespace only the agents reach, and the gateway is
    /// started with an <c>--egress-selector-config-file</c> for this protocol.
    /// </summary>
    public EgressProtocol? Egress { get; init; }

    /// <summary>How the gateway reaches konnectivity-server with <see cref="Egress"/>. Default the Unix domain socket.</summary>
    public EgressTransport EgressTransport { get; init; } = EgressTransport.Uds;

    /// <summary>How long start-up waits for every konnectivity agent to connect (with <see cref="Egress"/>). Default 30 s.</summary>
    public TimeSpan AgentConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the gateway may take to accept TCP connections. Default 30 s.</summary>
    public TimeSpan GatewayStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the gateway gets after SIGTERM before it is killed. Default 5 s.</summary>
    public TimeSpan GatewayStopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long start-up waits for the scenario's pods to be ready (or to have ended) before it goes on anyway. Default 60 s.</summary>
    public TimeSpan PodStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many store changes watches can resume from before they get 410 Gone. Default 10 000.</summary>
    public int WatchHistoryCapacity { get; init; } = 10_000;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Every problem at once, each naming the option and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            errors.Add($"{nameof(StateDirectory)} must not be empty.");
        }

        if (ScenarioFile is not null && !File.Exists(ScenarioFile))
        {
            errors.Add($"{nameof(ScenarioFile)} '{ScenarioFile}' does not exist.");
        }

        if (AddressBlock is < 1 or > 254)
        {
            errors.Add($"{nameof(AddressBlock)} {AddressBlock} is outside 1–254.");
        }

        if (GatewayStartTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(GatewayStartTimeout)} {GatewayStartTimeout} must be positive.");
        }

        if (GatewayStopGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{nameof(GatewayStopGracePeriod)} {GatewayStopGracePeriod} must not be negative.");
        }

        if (GatewayReplicas is < 1 or > AddressPlan.MaximumGatewayReplicas)
        {
            errors.Add($"{nameof(GatewayReplicas)} {GatewayReplicas} is outside 1–{AddressPlan.MaximumGatewayReplicas}.");
        }

        if (GatewayReplicas > 1 && !StartGateway)
        {
            errors.Add($"{nameof(GatewayReplicas)} {GatewayReplicas} needs {nameof(StartGateway)}.");
        }

        if (GatewayDrainTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(GatewayDrainTimeout)} {GatewayDrainTimeout} must be positive.");
        }

        if (PodStartTimeout < TimeSpan.Zero)
        {
            errors.Add($"{nameof(PodStartTimeout)} {PodStartTimeout} must not be negative.");
        }

        if (Egress == EgressProtocol.Grpc && EgressTransport == EgressTransport.Tcp)
        {
            errors.Add($"{nameof(EgressTransport)} {EgressTransport} cannot carry {nameof(Egress)} {Egress}: kube-apiserver allows GRPC over a Unix domain socket only.");
        }

        if (Egress is not null && !string.IsNullOrWhiteSpace(StateDirectory)
            && KonnectivityPlane.SocketPathIn(StateDirectory) is { } socket && System.Text.Encoding.UTF8.GetByteCount(socket) > KonnectivityPlane.MaximumSocketPathLength)
        {
            errors.Add($"{nameof(StateDirectory)} '{StateDirectory}' is too deep for {nameof(Egress)}: konnectivity-server's socket {socket} would be longer than the {KonnectivityPlane.MaximumSocketPathLength} bytes a Unix socket path may have.");
        }

        if (AgentConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(AgentConnectTimeout)} {AgentConnectTimeout} must be positive.");
        }

        if (WatchHistoryCapacity < 1)
        {
            errors.Add($"{nameof(WatchHistoryCapacity)} {WatchHistoryCapacity} must be at least 1.");
        }

        return errors;
    }
}
