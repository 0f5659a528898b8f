using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>How to run one node's simulated konnectivity-agent; the names of its flags are given where they exist.</summary>
internal sealed record KonnectivityAgentOptions
{
    public required string NodeName { get; init; }

    /// <summary><c>--agent-id</c>.</summary>
    public required string AgentId { get; init; }

    /// <summary><c>--agent-identifiers</c>: what the server may route to this agent.</summary>
    public required AgentIdentifiers Identifiers { get; init; }

    /// <summary>The node's own address: the agent resolves its node's name to it, as a node resolves its hostname.</summary>
    public required IPAddress NodeAddress { get; init; }

    /// <summary>The server's agent port (<c>--proxy-server-host</c>, <c>--proxy-server-port</c>).</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary><c>--agent-cert</c>, <c>--agent-key</c>.</summary>
    public required X509Certificate2 ClientCertificate { get; init; }

    /// <summary><c>--ca-cert</c>: the CA the server's certificate must chain to.</summary>
    public required X509Certificate2 ServerCa { get; init; }

    /// <summary>Where the agent's dials go out: its node's network (the connection to the server uses the host's).</summary>
    public required NodeNetwork Network { get; init; }

    /// <summary>How long one dial may take (konnectivity-agent's fixed 5 s).</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the agent waits before it tries the server again (<c>--sync-interval</c>, 1 s).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
