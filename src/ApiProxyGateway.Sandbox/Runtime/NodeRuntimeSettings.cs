using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>Where a node's runtime lives: its name and number in the address plan, its address, and where pods get their directories.</summary>
internal sealed record NodeRuntimeSettings(string NodeName, int NodeNumber, string NodeAddress, AddressPlan Plan, string PodsDirectory)
{
    /// <summary>Where the node's pods listen and run. Default: the host's network.</summary>
    public NodeNetwork Network { get; init; } = NodeNetwork.Host;

    public string ApiServerAddress => Plan.ApiServerAddress.ToString();
}
