using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// A sandbox whose kubelets and pods live in their own network namespace behind one konnectivity-agent per node, and
/// whose gateway reaches them only through konnectivity-server with gRPC over its Unix domain socket (the mode
/// kube-apiserver's GRPC egress uses). Needs root for the namespace; without it the sandbox refuses and says so.
/// Test classes share one through <see cref="SharedSandbox{TFixture}"/>.
/// </summary>
public sealed class GrpcEgressSandboxFixture : SandboxFixture
{
    protected override SandboxOptions Customize(SandboxOptions options) => options with { Egress = EgressProtocol.Grpc };
}

/// <summary>As <see cref="GrpcEgressSandboxFixture"/>, with HTTP CONNECT over mutual-TLS TCP to konnectivity-server.</summary>
public sealed class HttpConnectEgressSandboxFixture : SandboxFixture
{
    protected override SandboxOptions Customize(SandboxOptions options) => options with { Egress = EgressProtocol.HttpConnect, EgressTransport = EgressTransport.Tcp };
}
