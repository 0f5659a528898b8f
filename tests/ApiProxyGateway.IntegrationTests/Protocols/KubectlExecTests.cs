using System.Security.Cryptography;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>The real kubectl runs exec against ApiProxyGateway.Protocols' SPDY and WebSocket servers.</summary>
public sealed class KubectlExecTests(KubectlInteropFixture fixture) : IClassFixture<KubectlInteropFixture>
{
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

        using var stdout = new MemoryStream();
        var result = await Kubectl.Version(version).RunBinaryAsync(
            Environment(websockets), ["--request-timeout=20s", "exec", "-i", FakeKubeApiServer.PodName, "--", "cat"], input, stdout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(input.Length, stdout.Length);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(stdout.ToArray()));
        Assert.Equal([expectedTransport], fixture.RequestsSince(before));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KubectlExec_CommandExitsThree_KubectlExitsThree(string version, string? websockets, string expectedTransport)
    {
        var before = fixture.Server.StreamingRequests.Count;

        using var stdout = new MemoryStream();
        var result = await Kubectl.Version(version).RunBinaryAsync(
            Environment(websockets), ["--request-timeout=20s", "exec", FakeKubeApiServer.PodName, "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"], [], stdout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 3 && !result.TimedOut, result.ToString());
        Assert.Equal("to-stdout\n", System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Contains("to-stderr", result.StandardError, StringComparison.Ordinal);
        Assert.Equal([expectedTransport], fixture.RequestsSince(before));
    }

    private KubectlEnvironment Environment(string? websockets) => fixture.Environment.With("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", websockets ?? "");
}
