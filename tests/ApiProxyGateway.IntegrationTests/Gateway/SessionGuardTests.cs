using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
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

    public async ValueTask InitializeAsync() =>
        _sandbox = await ProductionSandbox.StartAsync(
            ["--stream-reauthorization-interval=00:00:01", "--stream-reauthorization-grace-period=00:00:02", "--Sessions:CertificateCheckInterval=00:00:01"],
            TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task Exec_RoleBindingDeleted_EndsTellingTheClientWhichPermissionWasDenied()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, Certificate(user, TimeSpan.FromHours(1)));
        var (socket, exec, marker) = await OpenExecAsync(invoker, deadline);
        using (socket)
        await using (exec)
        {
            await UnbindAsync(user, deadline);
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Null(result.ExitCode);
            Assert.Contains($"User \"{user}\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", result.Error, StringComparison.Ordinal);
        }

        var completed = await CompletedAuditEventAsync(marker, deadline);
        Assert.Equal("forbidden", (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
        await _sandbox.ScrapeUntilAsync(
            text => text.Split('\n').Any(line => line.StartsWith("apiproxygateway_sessions_ended_total{", StringComparison.Ordinal)
                && line.Contains("kind=\"exec\"", StringComparison.Ordinal) && line.Contains("reason=\"forbidden\"", StringComparison.Ordinal)),
            deadline);
    }

    [Fact]
    public async Task FollowedLog_RoleBindingDeleted_Ends()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, Certificate(user, TimeSpan.FromHours(1)));
        using var response = await _sandbox.FollowLogAsync(invoker, deadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(deadline);
        var buffer = new byte[4096];
        Assert.NotEqual(0, await body.ReadAsync(buffer, deadline)); // the log flows

        await UnbindAsync(user, deadline);
        await TestWait.UntilAsync(
            async token =>
            {
                try
                {
                    return await body.ReadAsync(buffer, token) == 0;
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return true; // cut: HTTP/1.1 cannot say why in the middle of a body
                }
            },
            "the followed log ends once its RoleBinding is gone",
            TestWait.OperationTimeout,
            deadline);
    }

    [Fact]
    public async Task Exec_ApiServerDownLongerThanTheGracePeriod_EndsSayingItCouldNotBeAuthorizedAgain()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, Certificate(user, TimeSpan.FromHours(1)));
        var (socket, exec, marker) = await OpenExecAsync(invoker, deadline);
        using (socket)
        await using (exec)
        {
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

        var completed = await CompletedAuditEventAsync(marker, deadline);
        Assert.Equal("authorization-unavailable", (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
    }

    [Fact]
    public async Task Exec_CertificatePastItsNotAfter_EndsSayingTheCertificateExpired()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await BoundUserAsync(deadline);
        using var certificate = Certificate(user, TimeSpan.FromSeconds(8));
        using var invoker = GatewayClients.Invoker(_sandbox.Host, certificate);
        var (socket, exec, marker) = await OpenExecAsync(invoker, deadline);
        using (socket)
        await using (exec)
        {
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Null(result.ExitCode);
            Assert.Contains("the client certificate is no longer accepted (expired)", result.Error, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow >= certificate.NotAfter.ToUniversalTime(), "the stream ended before the certificate expired");
        }

        var completed = await CompletedAuditEventAsync(marker, deadline);
        Assert.Equal("certificate-expired", (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
    }

    [Fact]
    public async Task Exec_StillAllowed_StaysOpenAcrossReauthorizations()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var user = await BoundUserAsync(deadline);
        using var invoker = GatewayClients.Invoker(_sandbox.Host, Certificate(user, TimeSpan.FromHours(1)));
        var (socket, exec, _) = await OpenExecAsync(invoker, deadline);
        using (socket)
        await using (exec)
        {
            // Several re-authorizations (one a second) pass while the command echoes what it is sent.
            var reviewsBefore = Reviews();
            await TestWait.UntilAsync(_ => Task.FromResult(Reviews() >= reviewsBefore + 3), "three re-authorizations of the open exec", TestWait.OperationTimeout, deadline);
            await exec.Stdin!.WriteAsync("still here\n"u8.ToArray(), deadline);
            await exec.CloseStdinAsync(deadline);
            using var output = new StreamReader(exec.Stdout!);
            var echoed = await output.ReadToEndAsync(deadline);
            var result = await exec.WaitForExitAsync(deadline);

            Assert.Equal(0, result.ExitCode);
            Assert.EndsWith("still here\n", echoed, StringComparison.Ordinal);
        }
    }

    /// <summary>A new user allowed to read and exec into pods of demo, by a Role and a RoleBinding named after it.</summary>
    private async Task<string> BoundUserAsync(CancellationToken cancellationToken)
    {
        var user = "reauth-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = _sandbox.Host.CreateApiServerClient("admin");
        var role = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "Role",
            ["metadata"] = new JsonObject { ["name"] = user, ["namespace"] = "demo" },
            ["rules"] = new JsonArray(
                Rule(["pods", "pods/log"], ["get"]),
                Rule(["pods/exec"], ["get", "create"])), // a WebSocket exec is a GET: get, then create
        };
        using (var createdRole = await admin.PostAsJsonAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles", role, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, createdRole.StatusCode);
        }

        var binding = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "RoleBinding",
            ["metadata"] = new JsonObject { ["name"] = user, ["namespace"] = "demo" },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = user },
            ["subjects"] = new JsonArray(new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "User", ["name"] = user }),
        };
        using var created = await admin.PostAsJsonAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings", binding, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return user;
    }

    private static JsonObject Rule(string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(JsonValue.Create("")),
        ["resources"] = new JsonArray([.. resources.Select(r => JsonValue.Create(r))]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => JsonValue.Create(v))]),
    };

    private async Task UnbindAsync(string user, CancellationToken cancellationToken)
    {
        using var admin = _sandbox.Host.CreateApiServerClient("admin");
        using var deleted = await admin.DeleteAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings/{user}", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    private X509Certificate2 Certificate(string user, TimeSpan lifetime)
    {
        using var authority = X509Certificate2.CreateFromPemFile(_sandbox.Host.Pki.ClusterCaCertificate, _sandbox.Host.Pki.ClusterCaKey);
        var now = DateTimeOffset.UtcNow;
        return TestPki.IssueClient(authority, user, notBefore: now.AddMinutes(-1), notAfter: now + lifetime);
    }

    /// <summary>An exec of <c>cat</c> (with the marker in a shell comment) with stdin on demo/shell, whose kubelet speaks SPDY only: the gateway translates it.</summary>
    private async Task<(ClientWebSocket Socket, RemoteCommandClient Exec, string Marker)> OpenExecAsync(HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        var marker = "guarded-" + Guid.NewGuid().ToString("N")[..8];
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        socket.Options.HttpVersion = HttpVersion.Version11;
        var uri = new Uri(_sandbox.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal)
            + $"api/v1/namespaces/demo/pods/shell/exec?command=sh&command=-c&command=cat%20%23{marker}&stdin=true&stdout=true");
        await socket.ConnectAsync(uri, invoker, cancellationToken);
        var exec = RemoteCommandClient.StartWebSocket(socket, StreamProtocols.RemoteCommandV5, new RemoteCommandOptions { Stdin = true, Stdout = true });
        return (socket, exec, marker);
    }

    private async Task<JsonObject> CompletedAuditEventAsync(string marker, CancellationToken cancellationToken)
    {
        var events = await _sandbox.AuditEventsUntilAsync(
            e => ((string?)e["requestURI"] ?? "").Contains(marker, StringComparison.Ordinal) && (string?)e["stage"] == "ResponseComplete",
            found => found.Count >= 1,
            cancellationToken);
        return events[0];
    }

    /// <summary>SubjectAccessReviews the API server has answered (the tests of this class run one at a time).</summary>
    private int Reviews() =>
        _sandbox.Host.RequestLog.Entries.Count(e => e.Method == "POST" && e.PathAndQuery.EndsWith("/subjectaccessreviews", StringComparison.Ordinal));
}
