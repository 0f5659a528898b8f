using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

// The stream suites through the gateway again, with every node reachable only through Konnectivity: the tunnel is
// layer 4, so kubectl must see exactly what it sees when the gateway dials kubelets and pods directly.

/// <summary>The <see cref="ExecTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressExecTests(GrpcEgressSandboxFixture fixture) : ExecTests(fixture), IClassFixture<GrpcEgressSandboxFixture>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="LogsTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressLogsTests(GrpcEgressSandboxFixture fixture) : LogsTests(fixture), IClassFixture<GrpcEgressSandboxFixture>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="PortForwardTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressPortForwardTests(GrpcEgressSandboxFixture fixture) : PortForwardTests(fixture), IClassFixture<GrpcEgressSandboxFixture>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="AttachCopyTests"/> through the gateway and konnectivity-server (gRPC over UDS).</summary>
public sealed class GrpcEgressAttachCopyTests(GrpcEgressSandboxFixture fixture) : AttachCopyTests(fixture), IClassFixture<GrpcEgressSandboxFixture>
{
    protected override string ContextPrefix => "";
}

/// <summary>The <see cref="PortForwardTests"/> through the gateway and konnectivity-server (HTTP CONNECT over mutual-TLS TCP).</summary>
public sealed class HttpConnectEgressPortForwardTests(HttpConnectEgressSandboxFixture fixture) : PortForwardTests(fixture), IClassFixture<HttpConnectEgressSandboxFixture>
{
    protected override string ContextPrefix => "";
}
