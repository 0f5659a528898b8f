using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// What the tests of access taken away from open streams do with a <see cref="ProductionSandbox"/>: a user of their
/// own, bound by a Role and RoleBinding named after it; certificates issued to that user; an exec opened as it; and
/// the audit event, the metric and the SubjectAccessReviews that show how the stream ended.
/// </summary>
public sealed class GuardedStreams(ProductionSandbox sandbox)
{
    public ProductionSandbox Sandbox => sandbox;

    /// <summary>
    /// A new user allowed to read and watch pods, read their logs, exec into them and port-forward to them in demo, by a
    /// Role and a RoleBinding named after it.
    /// </summary>
    public async Task<string> BoundUserAsync(CancellationToken cancellationToken)
    {
        var user = "reauth-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = sandbox.Host.CreateApiServerClient("admin");
        var role = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "Role",
            ["metadata"] = new JsonObject { ["name"] = user, ["namespace"] = "demo" },
            ["rules"] = new JsonArray(
                Rule(["pods", "pods/log"], ["get", "list", "watch"]),
                Rule(["pods/exec", "pods/portforward"], ["get", "create"])), // a WebSocket exec is a GET: get, then create
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

    /// <summary>Deletes the user's RoleBinding.</summary>
    public async Task UnbindAsync(string user, CancellationToken cancellationToken)
    {
        using var admin = sandbox.Host.CreateApiServerClient("admin");
        using var deleted = await admin.DeleteAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings/{user}", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    /// <summary>The sandbox's cluster CA with its private key, as an operator's CA would sign and revoke with it.</summary>
    public X509Certificate2 ClusterCa() =>
        X509Certificate2.CreateFromPemFile(sandbox.Host.Pki.ClusterCaCertificate, sandbox.Host.Pki.ClusterCaKey);

    /// <summary>
    /// Revokes <paramref name="certificates"/> with the real <c>openssl ca</c> of the cluster CA and publishes its CRL over
    /// the gateway's <c>--client-crl-file</c> (replaced at once, as a secret volume would), for the gateway to reload.
    /// </summary>
    public void RevokeAndPublish(params X509Certificate2[] certificates)
    {
        using var clusterCa = ClusterCa();
        var ca = new OpensslCa(sandbox.Host.StateDirectory, clusterCa);
        foreach (var certificate in certificates)
        {
            ca.Revoke(certificate);
        }

        ca.WriteCrl(sandbox.Host.Pki.ClientCrl);
    }

    /// <summary>
    /// Replaces the gateway's client-CA bundle (<c>--client-ca-file</c>, the sandbox's <c>cluster-ca.crt</c>) with
    /// <paramref name="pem"/> at once (a rename), as a CA rotation would; returns what it held before.
    /// </summary>
    public string ReplaceClientCaBundle(string pem)
    {
        var bundle = sandbox.Host.Pki.ClusterCaCertificate;
        var before = File.ReadAllText(bundle);
        File.WriteAllText(bundle + ".new", pem);
        File.Move(bundle + ".new", bundle, overwrite: true);
        return before;
    }

    /// <summary>A client certificate for <paramref name="user"/> valid from a minute ago for <paramref name="lifetime"/>, signed by the cluster CA or <paramref name="authority"/>.</summary>
    public X509Certificate2 Certificate(string user, TimeSpan lifetime, X509Certificate2? authority = null)
    {
        using var clusterCa = authority is null ? ClusterCa() : null;
        var now = DateTimeOffset.UtcNow;
        return TestPki.IssueClient(authority ?? clusterCa!, user, notBefore: now.AddMinutes(-1), notAfter: now + lifetime); // ! one of the two is set
    }

    /// <summary>What the real kubectl needs to act as <paramref name="user"/> through the gateway: a kubeconfig (namespace demo) and a cache of its own.</summary>
    public KubectlEnvironment KubectlAs(string user, X509Certificate2 certificate)
    {
        var directory = Directory.CreateDirectory(Path.Combine(sandbox.Host.StateDirectory, "kubectl-" + user)).FullName;
        var kubeconfig = new KubeconfigBuilder()
            .Cluster("gateway", sandbox.Host.GatewayUrl, sandbox.Host.Pki.ClusterCaCertificate)
            .User(user, certificate)
            .Context(user, "gateway", user, "demo")
            .WriteTo(Path.Combine(directory, "kubeconfig"));
        return new KubectlEnvironment(kubeconfig, Path.Combine(directory, "cache"));
    }

    /// <summary>An exec of <c>cat</c> (with the marker in a shell comment) with stdin on demo/shell, whose kubelet speaks SPDY only: the gateway translates it.</summary>
    public async Task<OpenExec> OpenExecAsync(HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        var marker = "guarded-" + Guid.NewGuid().ToString("N")[..8];
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
            socket.Options.HttpVersion = HttpVersion.Version11;
            var uri = new Uri(sandbox.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal)
                + $"api/v1/namespaces/demo/pods/shell/exec?command=sh&command=-c&command=cat%20%23{marker}&stdin=true&stdout=true");
            await socket.ConnectAsync(uri, invoker, cancellationToken);
            return new OpenExec(socket, RemoteCommandClient.StartWebSocket(socket, StreamProtocols.RemoteCommandV5, new RemoteCommandOptions { Stdin = true, Stdout = true }), marker);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> (a followed log, a watch) and returns its body once its first bytes arrived.</summary>
    public static async Task<(HttpResponseMessage Response, Stream Body)> OpenFlowingAsync(HttpMessageInvoker invoker, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        var response = await invoker.SendAsync(request, cancellationToken);
        try
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            Assert.NotEqual(0, await body.ReadAsync(new byte[4096], cancellationToken)); // it flows
            return (response, body);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="body"/> until it ends or is cut; fails saying <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilEndedAsync(Stream body, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        return TestWait.UntilAsync(
            async token =>
            {
                try
                {
                    return await body.ReadAsync(buffer, token) == 0;
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return true; // cut: an HTTP body cannot say why in the middle
                }
            },
            what,
            timeout,
            cancellationToken);
    }

    /// <summary>The ResponseComplete audit event of the request whose URI holds <paramref name="marker"/>.</summary>
    public Task<JsonObject> CompletedAuditEventAsync(string marker, CancellationToken cancellationToken) =>
        CompletedAuditEventAsync(e => ((string?)e["requestURI"] ?? "").Contains(marker, StringComparison.Ordinal), cancellationToken);

    /// <summary>The ResponseComplete audit event of <paramref name="user"/>'s request for <paramref name="subresource"/> of a pod.</summary>
    public Task<JsonObject> CompletedAuditEventAsync(string user, string subresource, CancellationToken cancellationToken) =>
        CompletedAuditEventAsync(
            e => (string?)e["user"]?["username"] == user && (string?)e["objectRef"]?["subresource"] == subresource,
            cancellationToken);

    /// <summary>That <paramref name="completed"/> (a stream's ResponseComplete audit event) says the gateway ended it for <paramref name="reason"/>, and that <c>/metrics</c> counts it.</summary>
    public async Task EndedAuditedAndCountedAsync(JsonObject completed, string kind, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completed);
        Assert.Equal(reason, (string?)completed["annotations"]?["apiproxygateway.io/ended-by"]);
        await SessionEndedCountedAsync(kind, reason, cancellationToken);
    }

    /// <summary>Until <c>/metrics</c> counts a <paramref name="kind"/> stream ended for <paramref name="reason"/>.</summary>
    public Task SessionEndedCountedAsync(string kind, string reason, CancellationToken cancellationToken) =>
        sandbox.ScrapeUntilAsync(
            text => text.Split('\n').Any(line => line.StartsWith("apiproxygateway_sessions_ended_total{", StringComparison.Ordinal)
                && line.Contains($"kind=\"{kind}\"", StringComparison.Ordinal) && line.Contains($"reason=\"{reason}\"", StringComparison.Ordinal)),
            cancellationToken);

    /// <summary>SubjectAccessReviews the API server has answered (the tests that count them run one at a time).</summary>
    public int Reviews() =>
        sandbox.Host.RequestLog.Entries.Count(e => e.Method == "POST" && e.PathAndQuery.EndsWith("/subjectaccessreviews", StringComparison.Ordinal));

    /// <summary>The first ResponseComplete audit event that <paramref name="match"/> picks.</summary>
    public async Task<JsonObject> CompletedAuditEventAsync(Func<JsonObject, bool> match, CancellationToken cancellationToken)
    {
        var events = await sandbox.AuditEventsUntilAsync(
            e => match(e) && (string?)e["stage"] == "ResponseComplete",
            found => found.Count >= 1,
            cancellationToken);
        return events[0];
    }

    private static JsonObject Rule(string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(JsonValue.Create("")),
        ["resources"] = new JsonArray([.. resources.Select(r => JsonValue.Create(r))]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => JsonValue.Create(v))]),
    };
}
