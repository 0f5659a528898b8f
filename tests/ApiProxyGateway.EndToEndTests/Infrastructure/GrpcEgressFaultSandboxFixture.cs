using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// The <see cref="FaultSandboxFixture"/>'s scenario with every node, the faulty ones included, behind its
/// konnectivity-agent (<c>--egress grpc</c>: the kubelets in their own network namespace), so the gateway meets each
/// kubelet fault inside a tunnel.
/// </summary>
public sealed class GrpcEgressFaultSandboxFixture : FaultSandboxFixture
{
    protected override SandboxOptions Customize(SandboxOptions options) => options with { Egress = EgressProtocol.Grpc };
}
