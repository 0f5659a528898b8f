using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

public sealed class KubectlGetTests(SandboxFixture fixture)
{
    private readonly SandboxHost _host = fixture.Host;

    [Fact]
    public async Task GetPods_DirectAdmin_PrintsServerSideTable()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "get", "pods", "-n", "demo");

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], Words(lines[0]));
        Assert.Equal(["logger", "shell", "web"], lines.Skip(1).Select(l => Words(l)[0]));
        Assert.All(lines.Skip(1), l => Assert.Equal(["1/1", "Running", "0"], Words(l)[1..4]));
        var list = _host.RequestLog.Entries.Last(e => e.PathAndQuery.StartsWith("/api/v1/namespaces/demo/pods?", StringComparison.Ordinal));
        Assert.Equal("HTTP/2", list.Protocol); // kubectl negotiates h2 through ALPN
        Assert.Contains("as=Table", string.Join(",", list.HeaderValues("Accept")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPodsWide_DirectAdmin_ShowsIpAndNodeFromAddressPlan()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "get", "pods", "web", "-n", "demo", "-o", "wide");

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], Words(lines[0]));
        var web = Words(lines[1]);
        Assert.Equal($"127.{_host.AddressPlan.Block}.11.1", web[5]);
        Assert.Equal("node-a", web[6]);
    }

    [Fact]
    public async Task GetNodesWide_DirectAdmin_ShowsReadyNodesWithInternalIps()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "get", "nodes", "-o", "wide");

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP"], Words(lines[0])[..6]);
        Assert.Equal(["node-a", "Ready", "<none>"], Words(lines[1])[..3]);
        Assert.Equal(["v1.35.0", $"127.{_host.AddressPlan.Block}.1.1"], Words(lines[1])[4..6]);
        Assert.Equal(["node-b", "Ready"], Words(lines[2])[..2]);
    }

    [Fact]
    public async Task GetNamespaces_DirectAdmin_ListsScenarioAndSystemNamespaces()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "get", "ns");

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "STATUS", "AGE"], Words(lines[0]));
        Assert.Contains(lines, l => Words(l).Take(2).SequenceEqual(["demo", "Active"]));
        Assert.Contains(lines, l => Words(l).Take(2).SequenceEqual(["kube-system", "Active"]));
    }

    [Fact]
    public async Task GetServices_DirectAdmin_ShowsTypeClusterIpAndPorts()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "get", "svc", "-n", "demo");

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], Words(lines[0]));
        Assert.Equal(["web", "ClusterIP", $"127.{_host.AddressPlan.Block}.2.1", "<none>", "443/TCP,80/TCP"], Words(lines[1])[..5]);
    }

    [Fact]
    public async Task GetPods_ViewerInKubeSystem_PrintsKubeForbiddenMessage()
    {
        var result = await fixture.KubectlAsync("--context", "direct-viewer", "get", "pods", "-n", "kube-system");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "Error from server (Forbidden): pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"",
            result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.28")]
    [InlineData("1.29")]
    [InlineData("1.30")]
    [InlineData("1.31")]
    [InlineData("1.32")]
    [InlineData("1.33")]
    public async Task GetPods_EachKubectlVersion_PrintsTable(string version)
    {
        var result = await Kubectl.Version(version).RunAsync(
            fixture.Environment, ["--context", "direct-developer", "get", "pods", "-n", "demo"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        var lines = Lines(result.StandardOutput);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], Words(lines[0]));
        Assert.Equal(3, lines.Length - 1);
    }

    [Fact]
    public async Task DescribePod_Web_ShowsNodeIpContainerAndEvents()
    {
        var result = await fixture.KubectlAsync("--context", "direct-admin", "describe", "pod", "web", "-n", "demo");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Matches(@$"Node:\s+node-a/127\.{_host.AddressPlan.Block}\.1\.1", result.StandardOutput);
        Assert.Matches(@$"IP:\s+127\.{_host.AddressPlan.Block}\.11\.1", result.StandardOutput);
        Assert.Matches(@"Status:\s+Running", result.StandardOutput);
        Assert.Contains("--https-port=8443", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"Events:\s+<none>", result.StandardOutput);
    }

    [Fact]
    public async Task CreateAndDelete_ConfigMap_ChangesStore()
    {
        var name = "e2e-" + Guid.NewGuid().ToString("N")[..6];

        var created = await fixture.KubectlAsync("--context", "direct-admin", "create", "configmap", name, "-n", "demo", "--from-literal=greeting=hello");
        Assert.True(created.Succeeded, created.ToString());
        Assert.Equal($"configmap/{name} created", created.StandardOutput.Trim());
        Assert.Equal("hello", _host.Store.Typed.Get<V1ConfigMap>("demo", name)?.Data["greeting"]);

        var deleted = await fixture.KubectlAsync("--context", "direct-admin", "delete", "configmap", name, "-n", "demo");
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Equal($"configmap \"{name}\" deleted", deleted.StandardOutput.Trim());
        Assert.Null(_host.Store.Typed.Get<V1ConfigMap>("demo", name));
    }

    internal static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
