using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

public sealed class SimulatedApiServerTests(SandboxApiServerFixture fixture) : IClassFixture<SandboxApiServerFixture>
{
    private readonly SandboxHost _host = fixture.Host;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_WithoutClientCertificate_Gets401Status()
    {
        using var client = _host.CreateApiServerClientWithCertificate(null);

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods", Cancellation);
        var status = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(("Status", "Failure", "Unauthorized", "Unauthorized", 401), Summary(status));
    }

    [Fact]
    public async Task Request_WithCertificateFromAnotherCa_Gets401()
    {
        using var kubeletClient = X509Certificate2.CreateFromPemFile(_host.Pki.GatewayKubeletClientCertificate, _host.Pki.GatewayKubeletClientKey);
        using var client = _host.CreateApiServerClientWithCertificate(kubeletClient);

        using var response = await client.GetAsync("/version", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_ViewerInKubeSystem_Gets403WithKubeMessage()
    {
        using var client = _host.CreateApiServerClient("viewer");

        using var response = await client.GetAsync("/api/v1/namespaces/kube-system/pods", Cancellation);
        var status = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            ("Status", "Failure", "Forbidden", "pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"", 403),
            Summary(status));
        Assert.Equal("pods", status["details"]?["kind"]?.GetValue<string>());
    }

    [Fact]
    public async Task List_ViewerInDemo_ReturnsScenarioPods()
    {
        using var client = _host.CreateApiServerClient("viewer");

        var pods = await client.GetFromJsonAsync<JsonObject>("/api/v1/namespaces/demo/pods", Cancellation);

        Assert.Equal("PodList", pods?["kind"]?.GetValue<string>());
        Assert.Equal(["logger", "shell", "web"], (pods?["items"] as JsonArray)!.Select(p => p?["metadata"]?["name"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Get_MissingPod_Gets404WithKubeMessage()
    {
        using var client = _host.CreateApiServerClient("admin");

        using var response = await client.GetAsync("/api/v1/namespaces/demo/pods/nope", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(("Status", "Failure", "NotFound", "pods \"nope\" not found", 404), Summary(await ReadJsonAsync(response)));
    }

    [Fact]
    public async Task Create_ExistingConfigMap_Gets409AlreadyExists()
    {
        using var client = _host.CreateApiServerClient("admin");
        var configMap = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "dup" } };

        using var first = await client.PostAsJsonAsync("/api/v1/namespaces/demo/configmaps", configMap, Cancellation);
        using var second = await client.PostAsJsonAsync("/api/v1/namespaces/demo/configmaps", configMap, Cancellation);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(("Status", "Failure", "AlreadyExists", "configmaps \"dup\" already exists", 409), Summary(await ReadJsonAsync(second)));
    }

    [Fact]
    public async Task Impersonation_AdminAsViewer_ProceedsAsViewer()
    {
        using var client = _host.CreateApiServerClient("admin");
        using var allowed = Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods", ("Impersonate-User", "viewer"));
        using var denied = Request(HttpMethod.Get, "/api/v1/namespaces/kube-system/pods", ("Impersonate-User", "viewer"));

        using var allowedResponse = await client.SendAsync(allowed, Cancellation);
        using var deniedResponse = await client.SendAsync(denied, Cancellation);

        Assert.Equal(HttpStatusCode.OK, allowedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deniedResponse.StatusCode);
        Assert.Contains("User \"viewer\" cannot list resource \"pods\"", Summary(await ReadJsonAsync(deniedResponse)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Impersonation_DeveloperAsAdmin_Gets403WithKubeMessage()
    {
        using var client = _host.CreateApiServerClient("developer");
        using var request = Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods", ("Impersonate-User", "bob"));

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "users \"bob\" is forbidden: User \"developer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            Summary(await ReadJsonAsync(response)).Message);
    }

    [Fact]
    public async Task Impersonation_GatewayIdentityWithGroupsUidAndExtras_IsRecordedAndReportedBack()
    {
        using var gatewayCertificate = X509Certificate2.CreateFromPemFile(_host.Pki.GatewayApiServerClientCertificate, _host.Pki.GatewayApiServerClientKey);
        using var client = _host.CreateApiServerClientWithCertificate(gatewayCertificate);
        var marker = Guid.NewGuid().ToString("N");
        using var request = Request(
            HttpMethod.Post,
            "/apis/authentication.k8s.io/v1/selfsubjectreviews?marker=" + marker,
            ("Impersonate-User", "carol"), ("Impersonate-Group", "team-a"),
            ("Impersonate-Uid", "uid-7"), ("Impersonate-Extra-Acme.com%2Fproject", "p1"));
        request.Content = JsonContent.Create(new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "SelfSubjectReview" });

        using var response = await client.SendAsync(request, Cancellation);
        var review = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var userInfo = review["status"]!["userInfo"]!;
        Assert.Equal("carol", userInfo["username"]?.GetValue<string>());
        Assert.Equal(["team-a", "system:authenticated"], userInfo["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("uid-7", userInfo["uid"]?.GetValue<string>());
        Assert.Equal("p1", userInfo["extra"]?["acme.com/project"]?[0]?.GetValue<string>());

        var entry = Assert.Single(_host.RequestLog.Entries, e => e.PathAndQuery.Contains(marker, StringComparison.Ordinal));
        Assert.Equal("apiproxygateway", entry.AuthenticatedUser?.Name);
        Assert.Equal("CN=apiproxygateway", entry.ClientCertificateSubject);
        Assert.Equal("carol", entry.EffectiveUser?.Name);
        Assert.Equal(["team-a"], entry.HeaderValues("Impersonate-Group"));
        Assert.Equal(["p1"], entry.HeaderValues("Impersonate-Extra-Acme.com%2Fproject"));
    }

    [Fact]
    public async Task Impersonation_GroupsJoinedOnOneHeaderLine_AreOneGroup()
    {
        // HttpClient sends repeated headers as one "a, b" line; kube-apiserver (like this server) then sees ONE group
        // named "team-a, team-b". Whoever forwards Impersonate-Group must write one header line per group.
        using var client = _host.CreateApiServerClient("admin");
        using var request = Request(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews", ("Impersonate-User", "carol"), ("Impersonate-Group", "team-a"), ("Impersonate-Group", "team-b"));
        request.Content = JsonContent.Create(new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "SelfSubjectReview" });

        using var response = await client.SendAsync(request, Cancellation);
        var groups = (await ReadJsonAsync(response))["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>());

        Assert.Equal(["team-a, team-b", "system:authenticated"], groups);
    }

    [Fact]
    public async Task SubjectAccessReview_ForDeveloper_AnswersWithRbacReason()
    {
        using var client = _host.CreateApiServerClient("admin");
        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = "developer",
                Groups = ["developers"],
                ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = "demo", Verb = "create", Resource = "pods", Subresource = "exec", Name = "web" },
            },
        };

        using var response = await client.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", Json(review), Cancellation);
        var status = (await ReadJsonAsync(response))["status"];

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(status?["allowed"]?.GetValue<bool>());
        Assert.Equal("RBAC: allowed by RoleBinding \"developer/demo\" of Role \"developer\" to User \"developer\"", status?["reason"]?.GetValue<string>());
    }

    [Fact]
    public async Task Watch_ConfigMapCreatedAfterStart_IsDelivered()
    {
        using var client = _host.CreateApiServerClient("admin");
        var name = "watched-" + Guid.NewGuid().ToString("N")[..6];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion={_host.Store.ResourceVersion}&timeoutSeconds=30");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
        using var reader = new StreamReader(body);

        _host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "demo" } });
        var line = await reader.ReadLineAsync(TestWait.Deadline(TestWait.OperationTimeout, Cancellation));

        var watchEvent = JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", watchEvent["type"]?.GetValue<string>());
        Assert.Equal(name, watchEvent["object"]?["metadata"]?["name"]?.GetValue<string>());
    }

    [Fact]
    public async Task Get_TableAccept_ReturnsPodTable()
    {
        using var client = _host.CreateApiServerClient("admin");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/demo/pods");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        using var response = await client.SendAsync(request, Cancellation);
        var table = await ReadJsonAsync(response);

        Assert.Equal("Table", table["kind"]?.GetValue<string>());
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var web = table["rows"]!.AsArray().Single(r => r!["cells"]![0]!.GetValue<string>() == "web")!;
        Assert.Equal("1/1", web["cells"]![1]!.GetValue<string>());
        Assert.Equal("Running", web["cells"]![2]!.GetValue<string>());
        Assert.Equal("node-a", web["cells"]![6]!.GetValue<string>());
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static StringContent Json(object value) => new(k8s.KubernetesJson.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation)) as JsonObject ?? throw new InvalidOperationException("not a JSON object");

    private static (string? Kind, string? Status, string? Reason, string? Message, int? Code) Summary(JsonObject status) => (
        status["kind"]?.GetValue<string>(),
        status["status"]?.GetValue<string>(),
        status["reason"]?.GetValue<string>(),
        status["message"]?.GetValue<string>(),
        status["code"]?.GetValue<int>());
}
