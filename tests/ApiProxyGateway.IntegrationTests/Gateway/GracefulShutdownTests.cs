using System.Diagnostics;
using System.Net;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// SIGTERM to the real gateway process with streams open: readiness fails at once while liveness holds, new
/// requests are still served for the readiness grace period, open streams keep flowing through the drain period
/// after the listener has closed, are then closed, and the process exits with code 0.
/// </summary>
public sealed class GracefulShutdownTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(4);

    // The host's own shutdown timeout is grace + drain + 10 s; the gateway must be gone well before a kill would be needed.
    private static readonly TimeSpan ExitBound = Grace + Drain + TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_WithExecAndLogStreamsOpen_DrainsThemThenExitsWithZero()
    {
        var token = TestWait.Timeout(TestTimeout);
        await using var sandbox = await ProductionSandbox.StartAsync([$"--Shutdown:ReadinessGracePeriod={Grace:c}", $"--Shutdown:DrainPeriod={Drain:c}"], token);
        using var operations = sandbox.Operations();
        using var developer = sandbox.Invoker("developer");
        using var execRequest = sandbox.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/shell/exec?command=cat&stdin=true&stdout=true");
        var (session, protocol) = await SpdyUpgrade.ConnectAsync(developer, execRequest, StreamProtocols.RemoteCommandSpdy, cancellationToken: token);
        await using (session)
        {
            await using var exec = await RemoteCommandClient.StartSpdyAsync(session, protocol, new RemoteCommandOptions { Stdin = true, Stdout = true }, token);
            using var execOutput = new StreamReader(exec.Stdout!);
            using var log = await sandbox.FollowLogAsync(developer, token);
            using var logLines = new StreamReader(await log.Content.ReadAsStreamAsync(token));
            Assert.Equal("before", await EchoAsync(exec, execOutput, "before", token));
            Assert.Contains(ProductionSandbox.LogLine, await logLines.ReadLineAsync(token), StringComparison.Ordinal);

            var sinceSigterm = Stopwatch.StartNew();
            Terminate(sandbox.Host.GatewayProcessId!.Value); // started by the sandbox, so it has a process id

            // Not ready at once, still live, and still serving new connections: the grace period has not ended.
            var readyz = await StatusUntilAsync(operations, "/readyz", code => code != HttpStatusCode.OK, token);
            var livez = await StatusUntilAsync(operations, "/livez", _ => true, token);
            var readyzFailedAfter = sinceSigterm.Elapsed;
            using var viewer = sandbox.Invoker("viewer");
            using var newRequest = sandbox.Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods/logger/log?tailLines=1");
            using var newResponse = await viewer.SendAsync(newRequest, token);

            Assert.Equal(HttpStatusCode.InternalServerError, readyz);
            Assert.Equal(HttpStatusCode.OK, livez);
            Assert.True(readyzFailedAfter < Grace, $"readiness failed only {readyzFailedAfter} after SIGTERM, not within the {Grace} grace period");
            Assert.Equal(HttpStatusCode.OK, newResponse.StatusCode);

            // The grace period ends with the listener closing; the open streams must still flow.
            await WaitUntilListenerClosedAsync(sandbox, token);
            var listenerClosedAfter = sinceSigterm.Elapsed;
            Assert.Equal("during-drain", await EchoAsync(exec, execOutput, "during-drain", token));
            Assert.Contains(ProductionSandbox.LogLine, await logLines.ReadLineAsync(token), StringComparison.Ordinal);
            var stillFlowingAfter = sinceSigterm.Elapsed;

            // Then the drain period ends: both streams are closed by the gateway.
            await Ended(execOutput.ReadToEndAsync(token));
            await Ended(logLines.ReadToEndAsync(token));
            var closedAfter = sinceSigterm.Elapsed;
            var exitCode = await sandbox.Host.WaitForGatewayExitAsync(token);
            var exitedAfter = sinceSigterm.Elapsed;

            Assert.True(listenerClosedAfter >= Grace - TimeSpan.FromSeconds(1), $"the listener closed {listenerClosedAfter} after SIGTERM, before the {Grace} grace period ended");
            Assert.True(stillFlowingAfter < Grace + Drain, $"the check that streams flow during the drain ran {stillFlowingAfter} after SIGTERM, after the drain period");
            Assert.True(closedAfter >= Grace + Drain - TimeSpan.FromSeconds(1), $"the streams were closed {closedAfter} after SIGTERM, before grace + drain ({Grace + Drain})");
            Assert.Equal(0, exitCode);
            Assert.True(exitedAfter < ExitBound, $"the gateway exited {exitedAfter} after SIGTERM, not within {ExitBound}");

            // Written before the process exited: the audit log says both of developer's streams were ended by the shutdown.
            var completed = sandbox.AuditEvents().Where(e => (string?)e["stage"] == "ResponseComplete" && (string?)e["user"]?["username"] == "developer").ToList();
            Assert.Equal("shutdown", EndedBy(completed, "exec"));
            Assert.Equal("shutdown", EndedBy(completed, "log"));
        }
    }

    private static string? EndedBy(IEnumerable<System.Text.Json.Nodes.JsonObject> events, string subresource) =>
        (string?)Assert.Single(events, e => (string?)e["objectRef"]?["subresource"] == subresource)["annotations"]?["apiproxygateway.io/ended-by"];

    private static void Terminate(int processId)
    {
        // .NET has no API to signal another process; kill(1) sends SIGTERM without native interop.
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", processId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!; // kill is on every Linux PATH
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<string?> EchoAsync(RemoteCommandClient exec, StreamReader output, string line, CancellationToken cancellationToken)
    {
        await exec.Stdin!.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line + "\n"), cancellationToken); // opened with stdin
        await exec.Stdin.FlushAsync(cancellationToken);
        return await output.ReadLineAsync(cancellationToken);
    }

    /// <summary>Polls an operations endpoint until its status satisfies <paramref name="wanted"/>; returns that status.</summary>
    private static async Task<HttpStatusCode> StatusUntilAsync(HttpClient operations, string path, Func<HttpStatusCode, bool> wanted, CancellationToken cancellationToken)
    {
        var status = default(HttpStatusCode);
        await TestWait.UntilAsync(async token =>
        {
            using var response = await operations.GetAsync(path, token);
            status = response.StatusCode;
            return wanted(status);
        }, $"{path} answers the awaited status", TestTimeout, cancellationToken);
        return status;
    }

    private static Task WaitUntilListenerClosedAsync(ProductionSandbox sandbox, CancellationToken cancellationToken) =>
        TestWait.UntilAsync(async token => !await sandbox.AcceptsConnectionsAsync(token), "the gateway's API listener refuses connections", TestTimeout, cancellationToken);

    /// <summary>Waits for a read to the end of a stream: a clean end and a cut connection both mean "closed".</summary>
    private static async Task Ended(Task<string> readToEnd)
    {
        try
        {
            await readToEnd;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            // The connection was cut rather than ended: closed all the same.
        }
    }
}
