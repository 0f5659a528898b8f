using System.IO.Compression;
using System.Net;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Workloads;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The <see cref="ProxyTests"/> with the gateway dialling workloads and kubelets itself, and what does not depend on
/// how it reaches them: its refusals (plain http, RBAC, the egress policy, endpoints that are not pods), redirects,
/// link rewriting, and its memory while it rewrites a decompression bomb.
/// </summary>
public sealed class GatewayProxyTests(SandboxFixture fixture) : ProxyTests(fixture)
{
    private const long BombMemoryBound = 96L * 1024 * 1024;

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/web:8080/proxy/")]
    [InlineData("/api/v1/namespaces/demo/pods/http:web:8080/proxy/")]
    [InlineData("/api/v1/namespaces/demo/services/web:http/proxy/")]
    public async Task PlainHttpTarget_IsRefusedExplainingThePolicy(string path)
    {
        var result = await Fixture.KubectlAsync("--context", "developer", "get", "--raw", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (BadRequest)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("plain http", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Proxy:PlainHttpNamespaces", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewer_WithoutPodsProxy_IsForbidden()
    {
        var result = await Fixture.KubectlAsync("--context", "viewer", "get", "--raw", WebProxy + "/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("User \"viewer\" cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"demo\"", result.StandardError, StringComparison.Ordinal);
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
        var gateway = Fixture.Host.GatewayProcessId ?? throw new InvalidOperationException("the sandbox's gateway is not running");
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

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("169.254.169.254", "a link-local address")]
    public async Task PodOutsideTheAllowedNetworks_IsRefusedByTheEgressPolicy(string address, string reason)
    {
        var name = "egress-" + Guid.NewGuid().ToString("N")[..6];
        Fixture.Host.Store.Typed.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = SandboxPods.Namespace },
            Spec = new V1PodSpec { NodeName = "no-such-node", Containers = [new V1Container { Name = "c", Ports = [new V1ContainerPort { ContainerPort = 8443 }] }] },
            Status = new V1PodStatus { Phase = "Running", PodIP = address, PodIPs = [new V1PodIP { Ip = address }] },
        });

        var result = await Fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/https:{name}:8443/proxy/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (BadRequest)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"address not allowed: pod \"{SandboxPods.Namespace}/{name}\" is at {address}, {reason}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceEndpointNotAPodAddress_IsSkippedLikeKubeApiserver()
    {
        var name = "orphan-" + Guid.NewGuid().ToString("N")[..6];
        var web = await Fixture.Pods.WebAsync("node-a"); // a real pod, whose IP the endpoint does not carry
        Fixture.Host.Store.Typed.Create(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = SandboxPods.Namespace },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 443, Name = "https" }] },
        });
        Fixture.Host.Store.Typed.Create(new V1EndpointSlice
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

        var result = await Fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/services/https:{name}:https/proxy/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no endpoints available for service \"{name}\"", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsTarget_OfferingOnlyHttp11_IsReachedOverHttp11()
    {
        var pod = await Fixture.Pods.CreateAsync("node-b", "h1", ["workload", "web", "--https-port=8443", "--http-port=0", "--http1-only"], ports: [8443]);
        var path = $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/https:{pod}:8443/proxy/anything";

        // The first request finds the workload chose http/1.1 in ALPN; the second goes to the same pool, now HTTP/1.1.
        var first = await Fixture.KubectlAsync("--context", "admin", "get", "--raw", path);
        var second = await Fixture.KubectlAsync("--context", "admin", "get", "--raw", path);

        foreach (var result in new[] { first, second })
        {
            Assert.True(result.Succeeded, result.ToString());
            var echo = ParseEcho(result.StandardOutput);
            Assert.Equal(pod, (string?)echo["pod"]);
            Assert.Equal("HTTP/1.1", (string?)echo["protocol"]);
            Assert.Equal("https", (string?)echo["scheme"]);
            Assert.EndsWith(":8443", (string?)echo["headers"]!["Host"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PodNamedWithoutAPort_DeclaringNone_IsReachedOnTheSchemesPortWithAHostWithoutOne()
    {
        // kube-apiserver's location for such a pod has no port: the connection goes to 443, the Host names none.
        var pod = await Fixture.Pods.CreateAsync("node-a", "noport", ["workload", "web", "--https-port=443", "--http-port=0"]);
        var address = (await Fixture.Pods.WaitRunningAsync(pod)).Status.PodIP;
        await TestWait.UntilReachableAsync(
            async token =>
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Parse(address), 443, token);
                return true;
            },
            $"pod {pod} listening on {address}:443 (it declares no port, so its readiness does not wait for it)",
            TestWait.DefaultTimeout,
            TestContext.Current.CancellationToken);

        var result = await Fixture.KubectlAsync("--context", "admin", "get", "--raw", $"/api/v1/namespaces/{SandboxPods.Namespace}/pods/https:{pod}:/proxy/anything"); // scheme:name: (an empty port)

        Assert.True(result.Succeeded, result.ToString());
        var echo = ParseEcho(result.StandardOutput);
        Assert.Equal(pod, (string?)echo["pod"]);
        Assert.Equal(address, (string?)echo["headers"]!["Host"]);
    }

    [Fact]
    public async Task Trailers_OfAnHttp2Workload_ReachAnHttp2Client()
    {
        // gRPC ends every call with trailers: they must cross the gateway (client HTTP/2, workload HTTP/2).
        using var client = Client("developer");
        client.DefaultRequestVersion = HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var response = await client.GetAsync(WebProxy + "/trailers", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body", body);
        Assert.Equal(["done"], response.TrailingHeaders.GetValues("X-Checksum"));
    }
}
