using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The <see cref="ProxyTests"/> through the gateway and konnectivity-server (gRPC over UDS): pods and services proxy to
/// the workloads over https and http, nodes proxy to a kubelet, and the workloads' certificate faults, each connection
/// dialled by an agent into the nodes' network while the gateway's TLS verification runs end to end inside the tunnel.
/// </summary>
public sealed class GrpcEgressProxyTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : ProxyTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>;
