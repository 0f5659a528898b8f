using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// pods/services/nodes proxy with the real kubectl (<c>get --raw</c>) and an HTTP client with the user's certificate,
/// against the sandbox's workloads and kubelets: what must hold however the gateway reaches them, directly
/// (<see cref="GatewayProxyTests"/>) or through Konnectivity, where its TLS to the workload runs inside the tunnel.
/// </summary>
public abstract class ProxyTests(SandboxFixture fixture)
{
    protected const string WebProxy = "/api/v1/namespaces/demo/pods/https:web:8443/proxy";

    protected SandboxFixture Fixture => fixture;

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:8443/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:https/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/services/https:web:https/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/services/https:web:443/proxy/anything?x=1")]
    public async Task HttpsTarget_ThroughKubectl_IsReachedVerifiedAndSeesTheGatewayNotTheUser(string path)
    {
        var result = await fixture.KubectlAsync("--context", "developer", "get", "--raw", path);

        Assert.True(result.Succeeded, result.ToString());
        var echo = ParseEcho(result.StandardOutput);
        Assert.Equal("web", (string?)echo["pod"]);
        Assert.Equal("/anything", (string?)echo["path"]);
        Assert.Equal("?x=1", (string?)echo["query"]);
        Assert.Equal("https", (string?)echo["scheme"]);
        Assert.Equal("HTTP/2", (string?)echo["protocol"]); // the workload offers h2, so the gateway speaks it, as kube-apiserver does
        Assert.StartsWith("CN=apiproxygateway", (string?)echo["clientCertificate"], StringComparison.Ordinal);
        var headers = echo["headers"]!.AsObject();
        Assert.EndsWith(":8443", (string?)headers["Host"], StringComparison.Ordinal); // the dialled endpoint, port included
        Assert.False(headers.ContainsKey("Authorization"));
        Assert.DoesNotContain(headers, h => h.Key.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(path.Split('?')[0], (string?)headers["X-Forwarded-Uri"]);
        Assert.Equal("https", (string?)headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task PlainHttpTarget_InANamespaceAllowedPlainHttp_IsReachedWithoutAClientCertificate()
    {
        var pod = await fixture.Pods.WebAsync("node-b");

        var result = await fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/http:{pod}:8080/proxy/anything?x=1");

        Assert.True(result.Succeeded, result.ToString());
        var echo = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal(pod, (string?)echo["pod"]);
        Assert.Equal("/anything", (string?)echo["path"]);
        Assert.Equal("http", (string?)echo["scheme"]);
        Assert.Null((string?)echo["clientCertificate"]);
    }

    [Fact]
    public async Task NodesProxy_KubeletInfoForAdmin_StreamingEndpointsRefusedAndDeveloperDenied()
    {
        var pods = await fixture.KubectlAsync("--context", "admin", "get", "--raw", "/api/v1/nodes/node-a/proxy/pods");
        var exec = await fixture.KubectlAsync("--context", "admin", "get", "--raw", "/api/v1/nodes/node-a/proxy/exec/demo/shell/shell?command=id&output=1");
        var developer = await fixture.KubectlAsync("--context", "developer", "get", "--raw", "/api/v1/nodes/node-a/proxy/pods");

        Assert.True(pods.Succeeded, pods.ToString());
        Assert.Equal("PodList", (string?)JsonNode.Parse(pods.StandardOutput)!["kind"]);
        Assert.Equal(1, exec.ExitCode);
        Assert.Contains("is not served through nodes/proxy", exec.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, developer.ExitCode);
        Assert.Contains("cannot get resource \"nodes/proxy\"", developer.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-name", "is not valid for")]
    [InlineData("expired", "the certificate expired at")]
    [InlineData("unknown-ca", "certificate signed by unknown authority")]
    public async Task WorkloadCertificateFault_IsA502NamingTheTargetAndTheReason(string fault, string reason)
    {
        var pod = await fixture.Pods.CreateAsync("node-a", "bad-" + fault, ["workload", "web", "--https-port=8443", "--http-port=0", $"--certificate={fault}"], ports: [8443]);

        var result = await fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/https:{pod}:8443/proxy/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"pod \"{SandboxPods.Namespace}/{pod}\"", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_ThroughServicesProxy_Echoes()
    {
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version11;
        socket.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(Handler("developer"));
        var uri = new Uri(fixture.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "api/v1/namespaces/demo/services/https:web:https/proxy/ws");

        await socket.ConnectAsync(uri, invoker, TestContext.Current.CancellationToken);
        await socket.SendAsync("ping through the gateway"u8.ToArray(), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken);

        Assert.Equal("ping through the gateway", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal(["HTTP/1.1"], socket.HttpResponseHeaders!["X-Request-Protocol"]); // upgrades stay on HTTP/1.1 to an h2 workload
    }

    /// <summary>The web workload's echo, its header names read case-insensitively (over HTTP/2 they arrive in lower case).</summary>
    protected static JsonNode ParseEcho(string json) => JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!;

    protected HttpClient Client(string user) => new(Handler(user)) { BaseAddress = fixture.Host.GatewayUrl };

    protected SocketsHttpHandler Handler(string user) => new()
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(fixture.Host.Pki.UsersDirectory, user + ".crt"), Path.Combine(fixture.Host.Pki.UsersDirectory, user + ".key"))],
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(fixture.Host.Pki.ClusterCaCertificate)) },
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        },
    };
}
