using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

// The stream suites through the gateway again, with every node reachable only through Konnectivity: the tunnel is
// layer 4, so kubectl must see exactly what it sees when the gateway dials kubelets and pods directly. One sandbox per
// egress mode serves all of its classes (SharedSandbox); the classes are listed together so that the two modes' coverage
// can be compared at a glance.

/// <summary>The <see cref="ExecTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressExecTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : ExecTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="LogsTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressLogsTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : LogsTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="PortForwardTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressPortForwardTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : PortForwardTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="AttachCopyTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressAttachCopyTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : AttachCopyTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="TerminalTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressTerminalTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : TerminalTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="ExecTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressExecTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : ExecTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="LogsTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressLogsTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : LogsTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="PortForwardTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressPortForwardTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : PortForwardTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="AttachCopyTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressAttachCopyTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : AttachCopyTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="TerminalTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressTerminalTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : TerminalTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>
{
    protected override string ContextPrefix => "";
}
