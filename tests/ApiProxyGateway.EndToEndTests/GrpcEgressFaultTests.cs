using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The <see cref="KubeletFaultTests"/> with every kubelet reached only through konnectivity-server and the node's agent
/// (gRPC over UDS): the tunnel carries bytes, so each certificate fault, the refused dial and the stalled handshake reach
/// kubectl with exactly the words of a direct connection.
/// </summary>
public sealed class GrpcEgressFaultTests(GrpcEgressFaultSandboxFixture fixture) : KubeletFaultTests(fixture), IClassFixture<GrpcEgressFaultSandboxFixture>;
