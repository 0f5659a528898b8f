using System.Net;

namespace ApiProxyGateway.Sandbox.Addressing;

/// <summary>
/// The one place that knows where things live on loopback. Each sandbox instance owns the block
/// <c>127.B.0.0/16</c>, so parallel test runs never collide and addresses read the same in every log.
/// </summary>
/// <remarks>
/// Plan: API server <c>127.B.0.1:6443</c>; gateway <c>127.B.0.2:8443</c>; konnectivity-server <c>127.B.0.3</c>
/// (frontend 8090, agents 8091, as konnectivity-server's default ports); node N (1-based) <c>127.B.1.N</c> with its
/// kubelet on 10250; service cluster IPs <c>127.B.2.x</c> (never dialled: services are reached through endpoints);
/// pods on node N <c>127.B.(10+N).x</c>. With gateway replicas, <c>127.B.0.2:8443</c> is the load balancer and the
/// replicas' slots are <c>127.B.0.(10+S)</c> (API on 8443, operations on 8081).
/// </remarks>
public sealed record AddressPlan
{
    public const int DefaultInteractiveBlock = 10;
    public const int MinimumTestBlock = 20;
    public const int MaximumTestBlock = 250;
    public const int ApiServerPort = 6443;
    public const int GatewayPort = 8443;
    public const int GatewayOperationsPort = 8081;
    public const int KubeletPort = 10250;
    public const int KonnectivityServerPort = 8090;
    public const int KonnectivityAgentPort = 8091;

    /// <summary>The most gateway replicas a sandbox runs behind its load balancer (one more slot is kept for the surge of a roll).</summary>
    public const int MaximumGatewayReplicas = 8;

    /// <summary>Nodes get the third octet 1, pods on node N get 10 + N, so at most 245 nodes fit.</summary>
    public const int MaximumNodes = 245;

    public AddressPlan(int block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(block, 254);
        Block = block;
    }

    /// <summary>The second octet B of <c>127.B.0.0/16</c>.</summary>
    public int Block { get; }

    /// <summary>The whole block, <c>127.B.0.0/16</c>, in CIDR notation.</summary>
    public string Network => $"127.{Block}.0.0/16";

    public IPAddress ApiServerAddress => Address(0, 1);

    public IPAddress GatewayAddress => Address(0, 2);

    public IPAddress KonnectivityServerAddress => Address(0, 3);

    public IPEndPoint ApiServerEndPoint => new(ApiServerAddress, ApiServerPort);

    /// <summary>konnectivity-server's frontend for dialers that use TCP with mutual TLS (<c>--server-port</c>).</summary>
    public IPEndPoint KonnectivityServerEndPoint => new(KonnectivityServerAddress, KonnectivityServerPort);

    /// <summary>Where the konnectivity agents connect (<c>--agent-port</c>).</summary>
    public IPEndPoint KonnectivityAgentEndPoint => new(KonnectivityServerAddress, KonnectivityAgentPort);

    public IPEndPoint GatewayEndPoint => new(GatewayAddress, GatewayPort);

    public Uri ApiServerUrl => new($"https://{ApiServerAddress}:{ApiServerPort}");

    public Uri GatewayUrl => new($"https://{GatewayAddress}:{GatewayPort}");

    /// <summary>The gateway's plain-HTTP operations listener: <c>/metrics</c>, <c>/livez</c>, <c>/readyz</c>.</summary>
    public Uri GatewayOperationsUrl => new($"http://{GatewayAddress}:{GatewayOperationsPort}");

    /// <summary>Gateway replica slot <paramref name="slot"/> (1-based, up to <see cref="MaximumGatewayReplicas"/> + 1): <c>127.B.0.(10+S)</c>.</summary>
    public IPAddress GatewayReplicaAddress(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slot, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slot, MaximumGatewayReplicas + 1);
        return Address(0, 10 + slot);
    }

    /// <summary>Every gateway replica slot's address: the gateway's serving certificate names them all.</summary>
    public IEnumerable<IPAddress> GatewayReplicaAddresses => Enumerable.Range(1, MaximumGatewayReplicas + 1).Select(GatewayReplicaAddress);

    /// <summary>The address of node <paramref name="nodeNumber"/> (1-based, in scenario order).</summary>
    public IPAddress NodeAddress(int nodeNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeNumber, MaximumNodes);
        return Address(1, nodeNumber);
    }

    /// <summary>The cluster IP of the <paramref name="serviceNumber"/>-th service (1-based).</summary>
    public IPAddress ServiceAddress(int serviceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(serviceNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serviceNumber, 254);
        return Address(2, serviceNumber);
    }

    /// <summary>The <paramref name="podNumber"/>-th pod address (1-based) on node <paramref name="nodeNumber"/>.</summary>
    public IPAddress PodAddress(int nodeNumber, int podNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeNumber, MaximumNodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(podNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(podNumber, 254);
        return Address(10 + nodeNumber, podNumber);
    }

    /// <summary>Node <paramref name="nodeNumber"/>'s pod range, <c>127.B.(10+N).0/24</c>.</summary>
    public string PodNetwork(int nodeNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeNumber, MaximumNodes);
        return $"{Address(10 + nodeNumber, 0)}/24";
    }

    private IPAddress Address(int third, int fourth) => new([127, (byte)Block, (byte)third, (byte)fourth]);
}
