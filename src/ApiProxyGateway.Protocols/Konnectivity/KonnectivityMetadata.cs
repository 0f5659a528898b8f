namespace ApiProxyGateway.Protocols.Konnectivity;

/// <summary>
/// The gRPC metadata apiserver-network-proxy speaks beside its packets (proto/header/header.go), lowercased as gRPC
/// sends keys, and the server's dial errors that clients see in DIAL_RSP.
/// </summary>
public static class KonnectivityMetadata
{
    /// <summary>An agent's unique id (konnectivity-agent <c>--agent-id</c>); exactly one per AgentService.Connect.</summary>
    public const string AgentId = "agentid";

    /// <summary>
    /// What an agent serves (konnectivity-agent <c>--agent-identifiers</c>), URL query encoded: <c>host=node-a&amp;ipv4=10.0.0.5&amp;cidr=10.244.1.0/24</c>.
    /// </summary>
    public const string AgentIdentifiers = "agentidentifiers";

    /// <summary>The server's answer headers to an agent: its id and how many servers the agent should connect to.</summary>
    public const string ServerId = "serverid";

    public const string ServerCount = "servercount";

    /// <summary>Identifier types of <see cref="AgentIdentifiers"/>.</summary>
    public const string HostIdentifier = "host";

    public const string IPv4Identifier = "ipv4";

    public const string IPv6Identifier = "ipv6";

    public const string CidrIdentifier = "cidr";

    /// <summary>konnectivity-server's DIAL_RSP error when no connected agent serves the destination (its ErrNotFound).</summary>
    public const string NoAgentAvailable = "No agent available";

    /// <summary>konnectivity-server's DIAL_RSP error when the agent did not answer within <c>--backend-dial-timeout</c>.</summary>
    public const string BackendDialTimeout = "timed out waiting for backend dial";
}
