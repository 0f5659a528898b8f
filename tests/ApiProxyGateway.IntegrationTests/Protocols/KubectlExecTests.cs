using System.Security.Cryptography;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>The real kubectl runs exec against ApiProxyGateway.Protocols' SPDY and WebSocket servers.</summary>
public sealed class KubectlExecTests(KubectlInteropFixture fixture) : IClassFixture<KubectlInteropFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>kubectl version, KUBECTL_REMOTE_COMMAND_WEBSOCKETS value, and the transport the server must see.</summary>
    public static TheoryData<string, string?, string> Transports => new()
    {
        { "1.27", null, "exec spdy v4.channel.k8s.io" },
        { "1.33", null, "exec websocket v5.channel.k8s.io" },
        { "1.33", "false", "exec spdy v5.channel.k8s.io" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KubectlExec_CatWithMegabytesOfStdin_ReturnsTheSameBytes(string version, string? websockets, string expectedTransport)
    {
        var input = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var before = fixture.Server.StreamingRequests.Count;

        var (exitCode, stdout, stderr) = await Kubectl.RunAsync(
            Kubectl.Find(version), fixture.Kubeconfig, fixture.CacheDirectory,
            ["exec", "-i", FakeKubeApiServer.PodName, "--", "cat"], input, Environment(websockets), Timeout);

        Assert.True(exitCode == 0, $"kubectl exited {exitCode}: {stderr}");
        Assert.Equal(input.Length, stdout.Length);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(stdout));
        Assert.Equal([expectedTransport], fixture.RequestsSince(before));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KubectlExec_CommandExitsThree_KubectlExitsThree(string version, string? websockets, string expectedTransport)
    {
        var before = fixture.Server.StreamingRequests.Count;

        var (exitCode, stdout, stderr) = await Kubectl.RunAsync(
            Kubectl.Find(version), fixture.Kubeconfig, fixture.CacheDirectory,
            ["exec", FakeKubeApiServer.PodName, "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"], null, Environment(websockets), Timeout);

        Assert.True(exitCode == 3, $"kubectl exited {exitCode}: {stderr}");
        Assert.Equal("to-stdout\n", System.Text.Encoding.UTF8.GetString(stdout));
        Assert.Contains("to-stderr", stderr, StringComparison.Ordinal);
        Assert.Equal([expectedTransport], fixture.RequestsSince(before));
    }

    private static Dictionary<string, string> Environment(string? websockets) =>
        websockets is null ? [] : new() { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = websockets };
}
