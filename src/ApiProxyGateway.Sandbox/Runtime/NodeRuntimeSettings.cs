using ApiProxyGateway.Sandbox.Addressing;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>Where a node's runtime lives: its name and number in the address plan, its address, and where pods get their directories.</summary>
internal sealed record NodeRuntimeSettings(string NodeName, int NodeNumber, string NodeAddress, AddressPlan Plan, string PodsDirectory)
{
    public string ApiServerAddress => Plan.ApiServerAddress.ToString();
}
