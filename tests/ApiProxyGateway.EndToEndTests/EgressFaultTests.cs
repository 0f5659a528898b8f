using System.Net;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The real kubectl through the gateway when the gateway reaches nodes only through konnectivity (gRPC over the
/// server's socket) and that path breaks: a node's agent down, the server down, dials slower than the gateway waits.
/// </summary>
public sealed class EgressFaultTests(EgressFaultSandboxFixture fixture) : IClassFixture<EgressFaultSandboxFixture>
{
    [Fact]
    public async Task Healthy_KubectlLogsAndExec_GoThroughTheNodesAgent()
    {
        fixture.SkipUnlessAvailable();

        var logs = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", "logger", "--tail=1");
        var exec = await fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", "shell", "--", "sh", "-c", "ip netns identify $$");

        Assert.True(logs.Succeeded, logs.ToString());
        Assert.True(exec.Succeeded, exec.ToString());
        Assert.Equal(fixture.Konnectivity.NetworkNamespace, exec.StandardOutput.Trim()); // the pod's network is the nodes' namespace
    }

    [Fact]
    public async Task AgentDown_KubectlLogsAndExec_Fail503NamingTheNodeWhoseAgentIsMissing()
    {
        fixture.SkipUnlessAvailable();
        await fixture.Konnectivity.StopAgentAsync("node-b", cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            var logs = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", "logger", "--tail=1");
            var exec = await fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", "logger", "--", "true");

            foreach (var result in new[] { logs, exec })
            {
                Assert.NotEqual(0, result.ExitCode);
                Assert.Contains("node \"node-b\"", result.StandardError, StringComparison.Ordinal);
                Assert.Contains("No agent available", result.StandardError, StringComparison.Ordinal);
            }

            Assert.Contains("Error from server (ServiceUnavailable)", logs.StandardError, StringComparison.Ordinal); // 503: the cluster is degraded, not the request wrong
        }
        finally
        {
            await fixture.Konnectivity.StartAgentAsync("node-b", cancellationToken: TestContext.Current.CancellationToken);
        }

        var again = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", "logger", "--tail=1");
        Assert.True(again.Succeeded, again.ToString());
    }

    [Fact]
    public async Task ServerDown_ReadyzSaysEgressAndKubectlLogsFail_UntilItIsBack()
    {
        fixture.SkipUnlessAvailable();
        using var operations = new HttpClient { BaseAddress = fixture.Host.AddressPlan.GatewayOperationsUrl };
        await fixture.Konnectivity.StopServerAsync(TestContext.Current.CancellationToken);
        try
        {
            var readyz = "";
            await TestWait.UntilAsync(
                async token =>
                {
                    using var response = await operations.GetAsync("/readyz?verbose", token);
                    readyz = await response.Content.ReadAsStringAsync(token);
                    return response.StatusCode == HttpStatusCode.InternalServerError; // a failed check, as Kubernetes' /readyz says it
                },
                "the gateway's /readyz reports konnectivity-server down",
                TestWait.OperationTimeout,
                TestContext.Current.CancellationToken);
            var logs = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", "logger", "--tail=1");

            Assert.Contains("[-]egress", readyz, StringComparison.Ordinal);
            Assert.NotEqual(0, logs.ExitCode);
            Assert.Contains("node \"node-b\"", logs.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Konnectivity.StartServerAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        await TestWait.UntilAsync(
            async token =>
            {
                using var response = await operations.GetAsync("/readyz", token);
                return response.StatusCode == HttpStatusCode.OK;
            },
            "the gateway's /readyz is 200 again once konnectivity-server is back",
            TestWait.OperationTimeout,
            TestContext.Current.CancellationToken);
        var again = await fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", "logger", "--tail=1");
        Assert.True(again.Succeeded, again.ToString());
    }

    [Fact]
    public async Task SlowDials_LongerThanTheKubeletTimeout_FailAsATimeoutNamingTheNode()
    {
        fixture.SkipUnlessAvailable();
        fixture.Konnectivity.SetDialDelay("node-a", EgressFaultSandboxFixture.KubeletTimeout * 3);
        try
        {
            var exec = await fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", "shell", "--", "true");

            Assert.NotEqual(0, exec.ExitCode);
            Assert.Contains("node \"node-a\"", exec.StandardError, StringComparison.Ordinal);
            Assert.Contains("timed out", exec.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Konnectivity.SetDialDelay("node-a", TimeSpan.Zero);
        }
    }
}
