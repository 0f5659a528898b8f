using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Access taken away ends open streams: the real gateway (re-authorizing every second, checking certificates every
/// second) in front of the sandbox, whose API server answers SubjectAccessReviews from its RBAC objects. Each test
/// has its own user, with a Role and RoleBinding of its own and a certificate signed by the cluster CA.
/// </summary>
public sealed class SessionGuardTests : IAsyncLifetime
{
    private ProductionSandbox _sandbox = null!;
    private GuardedStreams _streams = null!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await ProductionSandbox.StartAsync(
            ["--stream-reauthorization-interval=00:00:01", "--stream-reauthorization-grace-period=00:00:02", "--Sessions:CertificateCheckInterval=00:00:01"],
            TestContext.Current.CancellationToken);
        _streams = new GuardedStreams(_sandbox);
    }

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task Exec_RoleBindingDeleted_EndsTellingTheClientWhichPermissionWasDenied()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, _streams.Certificate(user, TimeSpan.FromHours(1)));
        var open = await _streams.OpenExecAsync(invoker, deadline);
        await using (open)
        {
            var exec = open.Client;
            await _streams.UnbindAsync(user, deadline);
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Null(result.ExitCode);
            // A WebSocket exec holds two permissions (get, then create); a round asks both at once, and the first denial names its verb.
            Assert.Matches($"User \"{user}\" cannot (get|create) resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", result.Error);
        }

        var completed = await _streams.CompletedAuditEventAsync(open.Marker, deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "exec", "forbidden", deadline);
    }

    [Fact]
    public async Task FollowedLog_RoleBindingDeleted_Ends()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, _streams.Certificate(user, TimeSpan.FromHours(1)));
        var (response, body) = await GuardedStreams.OpenFlowingAsync(invoker, _sandbox.Request(HttpMethod.Get, ProductionSandbox.FollowedLog), deadline);
        using var disposeResponse = response;
        await using var disposeBody = body;

        await _streams.UnbindAsync(user, deadline);
        await GuardedStreams.UntilEndedAsync(body, "the followed log ends once its RoleBinding is gone", TestWait.OperationTimeout, deadline);
    }

    [Fact]
    public async Task ForwardedWatch_RoleBindingDeleted_IsCutAndTheNextWatchGetsTheApiServers403()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, _streams.Certificate(user, TimeSpan.FromHours(1)));
        const string Watch = "/api/v1/namespaces/demo/pods?watch=true";
        var (response, body) = await GuardedStreams.OpenFlowingAsync(invoker, _sandbox.Request(HttpMethod.Get, Watch), deadline);
        using var disposeResponse = response;
        await using var disposeBody = body;

        await _streams.UnbindAsync(user, deadline);
        await GuardedStreams.UntilEndedAsync(body, "the forwarded watch ends once its RoleBinding is gone", TestWait.OperationTimeout, deadline);

        using var again = await invoker.SendAsync(_sandbox.Request(HttpMethod.Get, Watch), deadline);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode); // what a client-go reflector gets when it watches again
        var completed = await _streams.CompletedAuditEventAsync(e => (string?)e["user"]?["username"] == user && (string?)e["verb"] == "watch" && (int?)e["responseStatus"]?["code"] == 200, deadline);
        await _streams.EndedAuditedAndCountedAsync(completed, "watch", "forbidden", deadline);
    }

    [Fact]
    public async Task Exec_ApiServerDownLongerThanTheGracePeriod_EndsSayingItCouldNotBeAuthorizedAgain()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, _streams.Certificate(user, TimeSpan.FromHours(1)));
        var open = await _streams.OpenExecAsync(invoker, deadline);
        await using (open)
        {
            var exec = open.Client;
            await _sandbox.Host.StopApiServerAsync(deadline);
            try
            {
                var result = await exec.WaitForExitAsync(deadline);

                Assert.Null(result.ExitCode);
                Assert.Contains("the stream could not be authorized again", result.Error, StringComparison.Ordinal);
            }
            finally
            {
                await _sandbox.Host.StartApiServerAsync(deadline);
            }
        }

        var completed = await _streams.CompletedAuditEventAsync(open.Marker, deadline);
        Assert.Equal("authorization-unavailable", (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
    }

    [Fact]
    public async Task Exec_CertificatePastItsNotAfter_EndsSayingTheCertificateExpired()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var certificate = _streams.Certificate(user, TimeSpan.FromSeconds(8));
        using var invoker = GatewayClients.Invoker(_sandbox.Host, certificate);
        var open = await _streams.OpenExecAsync(invoker, deadline);
        await using (open)
        {
            var exec = open.Client;
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Null(result.ExitCode);
            Assert.Contains("the client certificate is no longer accepted (expired)", result.Error, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow >= certificate.NotAfter.ToUniversalTime(), "the stream ended before the certificate expired");
        }

        var completed = await _streams.CompletedAuditEventAsync(open.Marker, deadline);
        Assert.Equal("certificate-expired", (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
    }

    [Fact]
    public async Task Exec_StillAllowed_StaysOpenAcrossReauthorizations()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await _streams.BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, _streams.Certificate(user, TimeSpan.FromHours(1)));
        var open = await _streams.OpenExecAsync(invoker, deadline);
        await using (open)
        {
            var exec = open.Client;
            // Several re-authorizations (one a second) pass while the command echoes what it is sent.
            var reviewsBefore = _streams.Reviews();
            await TestWait.UntilAsync(_ => Task.FromResult(_streams.Reviews() >= reviewsBefore + 3), "three re-authorizations of the open exec", TestWait.OperationTimeout, deadline);
            await exec.Stdin!.WriteAsync("still here\n"u8.ToArray(), deadline);
            await exec.CloseStdinAsync(deadline);
            using var output = new StreamReader(exec.Stdout!);
            var echoed = await output.ReadToEndAsync(deadline);
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Equal(0, result.ExitCode);
            Assert.EndsWith("still here\n", echoed, StringComparison.Ordinal);
        }
    }
}
