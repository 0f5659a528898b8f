using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>How to run the simulated konnectivity-server; the names of its flags are given where they exist.</summary>
internal sealed record KonnectivityServerOptions
{
    /// <summary>The frontend's Unix domain socket (<c>--uds-name</c>): gRPC (h2c) and HTTP CONNECT.</summary>
    public required string UdsPath { get; init; }

    /// <summary>The frontend on TCP with mutual TLS (<c>--server-port</c>): HTTP CONNECT and gRPC. Null: UDS only.</summary>
    public IPEndPoint? FrontendEndPoint { get; init; }

    /// <summary>Where agents connect with mutual TLS (<c>--agent-port</c>).</summary>
    public required IPEndPoint AgentEndPoint { get; init; }

    /// <summary>The serving certificate of both TLS ports (<c>--server-cert</c>, <c>--cluster-cert</c>), with its key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>The CA every client certificate must chain to, frontend and agents alike (<c>--server-ca-cert</c>, <c>--cluster-ca-cert</c>).</summary>
    public required X509Certificate2 ClientCa { get; init; }

    /// <summary>Sent to agents in the <c>serverid</c> header (<c>--server-id</c>).</summary>
    public string ServerId { get; init; } = "sandbox-konnectivity-server";

    /// <summary>
    /// How long a dial may wait for the agent's DIAL_RSP before the dialler gets "timed out waiting for backend dial"
    /// (<c>--backend-dial-timeout</c>). Zero, the default as in konnectivity-server, waits as long as the dialler does.
    /// </summary>
    public TimeSpan BackendDialTimeout { get; init; }

    /// <summary>
    /// The node a destination host belongs to, if any: a sandbox nicety so that "No agent available" names the node
    /// whose agent is missing (konnectivity-server only says "No agent available").
    /// </summary>
    public Func<string, string?>? NodeOf { get; init; }

    /// <summary>
    /// When the server goes away, how long a dialler told DRAIN has to end its stream before the server ends it. Ending
    /// the stream at once raced the DRAIN: a .NET gRPC client whose request side is still open drops what it has
    /// received but not yet read when the connection closes, so a busy dialler never saw it.
    /// </summary>
    public TimeSpan DrainPeriod { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
