using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Workloads;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// pods/services/nodes proxy through the gateway with the real kubectl (<c>get --raw</c>) and an HTTP client
/// with the user's certificate, against the sandbox's workloads and kubelets.
/// </summary>
public sealed class GatewayProxyTests(SandboxFixture fixture)
{
    private const string WebProxy = "/api/v1/namespaces/demo/pods/https:web:8443/proxy";

    private const long BombMemoryBound = 96L * 1024 * 1024;

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:8443/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:https/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/services/https:web:https/proxy/anything?x=1")]
    [InlineData("/api/v1/namespaces/demo/services/https:web:443/proxy/anything?x=1")]
    public async Task HttpsTarget_ThroughKubectl_IsReachedVerifiedAndSeesTheGatewayNotTheUser(string path)
    {
        var result = await fixture.KubectlAsync("--context", "developer", "get", "--raw", path);

        Assert.True(result.Succeeded, result.ToString());
        var echo = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("web", (string?)echo["pod"]);
        Assert.Equal("/anything", (string?)echo["path"]);
        Assert.Equal("?x=1", (string?)echo["query"]);
        Assert.Equal("https", (string?)echo["scheme"]);
        Assert.StartsWith("CN=apiproxygateway", (string?)echo["clientCertificate"], StringComparison.Ordinal);
        var headers = echo["headers"]!.AsObject();
        Assert.False(headers.ContainsKey("Authorization"));
        Assert.DoesNotContain(headers, h => h.Key.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(path.Split('?')[0], (string?)headers["X-Forwarded-Uri"]);
        Assert.Equal("https", (string?)headers["X-Forwarded-Proto"]);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/web:8080/proxy/")]
    [InlineData("/api/v1/namespaces/demo/pods/http:web:8080/proxy/")]
    [InlineData("/api/v1/namespaces/demo/services/web:http/proxy/")]
    public async Task PlainHttpTarget_IsRefusedExplainingThePolicy(string path)
    {
        var result = await fixture.KubectlAsync("--context", "developer", "get", "--raw", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (BadRequest)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("plain http", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Proxy:PlainHttpNamespaces", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewer_WithoutPodsProxy_IsForbidden()
    {
        var result = await fixture.KubectlAsync("--context", "viewer", "get", "--raw", WebProxy + "/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("User \"viewer\" cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"demo\"", result.StandardError, StringComparison.Ordinal);
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
    public async Task Redirect_IsNotFollowedAndItsLocationMovesUnderTheProxyPath()
    {
        using var client = Client("developer");

        using var redirect = await client.GetAsync(WebProxy + "/redirect", TestContext.Current.CancellationToken);
        using var empty = await client.GetAsync(WebProxy, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(WebProxy + "/", redirect.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.MovedPermanently, empty.StatusCode);
        Assert.Equal(WebProxy + "/", empty.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task HtmlPage_LinksOnTheTarget_AreRewrittenToTheProxyPath()
    {
        using var client = Client("developer");

        var html = await client.GetStringAsync(WebProxy + "/page", TestContext.Current.CancellationToken);

        Assert.Contains($"href=\"{WebProxy}/echo\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebProxy}/style.css\"", html, StringComparison.Ordinal);
        Assert.Contains($"src=\"{WebProxy}/images/logo.png\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"echo\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.invalid/\"", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// The decompression bomb of our security finding, end to end with real TLS: a 48 MiB page that the workload
    /// sends as about 57 KB of gzip comes back through pods/proxy whole, links rewritten, while the gateway's peak
    /// resident memory grows by less than <see cref="BombMemoryBound"/>. With the DOM rewriter this replaced, the
    /// peak grew by some 520 MiB for this page; streaming, it grows by about 4 MiB (first-use costs). The bound
    /// leaves room for garbage-collector timing and for the other tests sharing this gateway (their streams go
    /// through fixed-size buffers); a peak, unlike a sample, does not depend on how busy the machine is.
    /// </summary>
    [Fact]
    public async Task GzipBomb_ThroughPodsProxy_InflatesToTheRewrittenPageWhileTheGatewaysPeakMemoryStaysFlat()
    {
        const int Megabytes = 48;
        var gateway = fixture.Host.GatewayProcessId ?? throw new InvalidOperationException("the sandbox's gateway is not running");
        using var expected = new HashingStream();
        GzipBombPage.Write(expected, Megabytes, WebProxy);
        var expectedLength = expected.Length;
        var expectedHash = expected.Finish();
        using var received = new HashingStream();
        using var client = Client("developer");

        var before = PeakMemory.Reset(gateway);
        using var response = await client.GetAsync($"{WebProxy}/gzip-bomb?mb={Megabytes}", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using (var inflated = new GZipStream(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), CompressionMode.Decompress))
        {
            await inflated.CopyToAsync(received, TestContext.Current.CancellationToken);
        }

        var growth = PeakMemory.Read(gateway) - before;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(growth < BombMemoryBound, $"the gateway's peak resident memory grew by {growth / (1024 * 1024)} MiB while it rewrote the page (bound {BombMemoryBound / (1024 * 1024)} MiB)");
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal(expectedLength, received.Length);
        Assert.Equal(expectedHash, received.Finish());
    }

    [Fact]
    public async Task WebSocket_ThroughServicesProxy_Echoes()
    {
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version11;
        using var invoker = new HttpMessageInvoker(Handler("developer"));
        var uri = new Uri(fixture.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "api/v1/namespaces/demo/services/https:web:https/proxy/ws");

        await socket.ConnectAsync(uri, invoker, TestContext.Current.CancellationToken);
        await socket.SendAsync("ping through the gateway"u8.ToArray(), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken);

        Assert.Equal("ping through the gateway", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("169.254.169.254", "a link-local address")]
    public async Task PodOutsideTheAllowedNetworks_IsRefusedByTheEgressPolicy(string address, string reason)
    {
        var name = "egress-" + Guid.NewGuid().ToString("N")[..6];
        fixture.Host.Store.Typed.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = SandboxPods.Namespace },
            Spec = new V1PodSpec { NodeName = "no-such-node", Containers = [new V1Container { Name = "c", Ports = [new V1ContainerPort { ContainerPort = 8443 }] }] },
            Status = new V1PodStatus { Phase = "Running", PodIP = address, PodIPs = [new V1PodIP { Ip = address }] },
        });

        var result = await fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/https:{name}:8443/proxy/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (BadRequest)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"address not allowed: pod \"{SandboxPods.Namespace}/{name}\" is at {address}, {reason}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceEndpointNotAPodAddress_IsSkippedLikeKubeApiserver()
    {
        var name = "orphan-" + Guid.NewGuid().ToString("N")[..6];
        var web = await fixture.Pods.WebAsync("node-a"); // a real pod, whose IP the endpoint does not carry
        fixture.Host.Store.Typed.Create(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = SandboxPods.Namespace },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 443, Name = "https" }] },
        });
        fixture.Host.Store.Typed.Create(new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta { Name = name + "-x", NamespaceProperty = SandboxPods.Namespace, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = name } },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint
            {
                Addresses = ["169.254.169.254"],
                Conditions = new V1EndpointConditions { Ready = true },
                TargetRef = new V1ObjectReference { Kind = "Pod", Name = web, NamespaceProperty = SandboxPods.Namespace },
            }],
            Ports = [new Discoveryv1EndpointPort { Name = "https", Port = 8443 }],
        });

        var result = await fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/services/https:{name}:https/proxy/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no endpoints available for service \"{name}\"", result.StandardError, StringComparison.Ordinal);
    }

    private HttpClient Client(string user) => new(Handler(user)) { BaseAddress = fixture.Host.GatewayUrl };

    private SocketsHttpHandler Handler(string user) => new()
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
