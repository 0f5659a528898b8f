using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The real kubectl through the gateway to a kubelet that cannot be trusted (each certificate fault), is down, or stalls
/// its handshake: whether the gateway dials it directly (<see cref="GatewayFaultTests"/>) or through Konnectivity, kubectl
/// sees the same failure naming the node and the reason.
/// </summary>
public abstract class KubeletFaultTests(FaultSandboxFixture fixture)
{
    protected FaultSandboxFixture Fixture => fixture;

    [Theory]
    [InlineData("self-signed", "certificate signed by unknown authority")]
    [InlineData("unknown-ca", "certificate signed by unknown authority")]
    [InlineData("expired", "the certificate expired at")]
    [InlineData("wrong-san", "the certificate is not valid for the dialled address")]
    [InlineData("wrong-cn", "the certificate belongs to \"system:node:")]
    [InlineData("down", "connection refused")]
    [InlineData("slow-handshake", "timed out after 1s")]
    public async Task KubeletFault_KubectlLogsAndExec_FailNamingTheNodeAndTheReason(string node, string reason)
    {
        var logs = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", $"on-{node}");
        var exec = await fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", $"on-{node}", "--", "true");

        foreach (var result in new[] { logs, exec })
        {
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"kubelet on node \"{node}\"", result.StandardError, StringComparison.Ordinal);
            Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        }
    }
}
