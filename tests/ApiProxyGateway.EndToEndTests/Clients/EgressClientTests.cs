using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

// The official clients' suites through the gateway again, with every node reachable only through konnectivity-server
// (gRPC over UDS): their exec, attach, port-forward and log streams must behave exactly as when the gateway dials the
// kubelets directly. The three share the run's one gRPC egress sandbox with the kubectl suites (SharedSandbox).

/// <summary>The <see cref="PythonClientTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressPythonClientTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : PythonClientTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="JavaScriptClientTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressJavaScriptClientTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : JavaScriptClientTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="CSharpClientTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressCSharpClientTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : CSharpClientTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}
