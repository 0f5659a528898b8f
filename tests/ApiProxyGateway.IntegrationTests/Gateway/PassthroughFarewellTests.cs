using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Streams that pass through byte for byte (SPDY from any kubectl; WebSocket v5 from kubectl 1.30+ to a kubelet that
/// speaks it) end with a reason the real kubectl prints when the gateway takes access away: the reason on the
/// error stream or channel where kubectl reads a kubelet's error. The real gateway re-authorizes every second in front
/// of the sandbox; each test has its own user, Role and RoleBinding, and a certificate from the cluster CA.
/// </summary>
public sealed partial class PassthroughFarewellTests : IAsyncLifetime
{
    private ProductionSandbox _sandbox = null!;
    private GuardedStreams _streams = null!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await ProductionSandbox.StartAsync(
            ["--stream-reauthorization-interval=00:00:01", "--stream-reauthorization-grace-period=00:00:02"],
            TestContext.Current.CancellationToken);
        _streams = new GuardedStreams(_sandbox);
    }

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    /// <summary>
    /// kubectl version, pod (node-a speaks SPDY only, node-b WebSockets too) and the relay the gateway must use; the
    /// translated stream (WebSocket v5 to a SPDY kubelet) is no pass-through but must read the same to the user.
    /// </summary>
    public static TheoryData<string, string, string> Execs => new()
    {
        { "1.27", "shell", "spdy" },
        { "1.27", "logger", "spdy" },
        { "1.33", "logger", "websocket-v5" },
        { "1.33", "shell", "websocket-v5-translated" },
    };

    [Theory]
    [MemberData(nameof(Execs))]
    public async Task KubectlExec_RoleBindingDeletedMidStream_PrintsWhichPermissionWasDenied(string version, string pod, string protocol)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var (user, environment) = await BoundUserAsync(deadline);
        await using var exec = Kubectl.Version(version).Start(environment, ["exec", "-i", pod, "--", "cat"]);
        await exec.TypeLineAsync("before");
        await exec.WaitForLineAsync(line => line == "before", TestWait.OperationTimeout, deadline);
        await AssertRelayedAsAsync(protocol, deadline);

        await UnbindAsync(user, deadline);

        Assert.True(await exec.WaitForExitAsync(TestWait.OperationTimeout, deadline), $"kubectl exec still runs after its RoleBinding was deleted.{Environment.NewLine}{exec}");
        Assert.NotEqual(0, exec.ExitCode);
        // The reason, and nothing else: no complaint about a cut connection.
        Assert.True(
            Regex.IsMatch(exec.Error.Trim(), $"^error: pods \"{pod}\" is forbidden: User \"{user}\" cannot (get|create) resource \"pods/exec\" in API group \"\" in the namespace \"demo\"$"),
            $"kubectl exec did not print why it ended, alone.{Environment.NewLine}{exec}");
    }

    [Fact]
    public async Task KubectlPortForwardOverSpdy_RoleBindingDeletedWithAConnectionOpen_PrintsWhyForThatConnection()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var (user, environment) = await BoundUserAsync(deadline);
        await using var forward = Kubectl.Version("1.27").Start(environment, ["port-forward", "--address", "127.0.0.1", "pod/web", ":8080"]);
        var line = await forward.WaitForLineAsync(l => ForwardingFrom().IsMatch(l), TestWait.OperationTimeout, deadline);
        var port = int.Parse(ForwardingFrom().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using var connection = new TcpClient();
        await connection.ConnectAsync(IPAddress.Loopback, port, deadline);
        var socket = connection.GetStream();
        await socket.WriteAsync("GET /echo HTTP/1.1\r\nHost: web\r\n\r\n"u8.ToArray(), deadline);
        var buffer = new byte[4096];
        Assert.NotEqual(0, await socket.ReadAsync(buffer, deadline)); // the pod answered: the connection is open through the gateway

        await UnbindAsync(user, deadline);

        await TestWait.UntilAsync(
            _ => Task.FromResult(forward.Error.Contains($"User \"{user}\" cannot", StringComparison.Ordinal)),
            "kubectl port-forward prints why the gateway ended the forwarded connection",
            TestWait.OperationTimeout,
            deadline,
            forward.ToString);
        Assert.Contains("an error occurred forwarding", forward.Error, StringComparison.Ordinal);
        Assert.Contains("pods/portforward", forward.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) -> 8080")]
    private static partial Regex ForwardingFrom();

    /// <summary>The gateway's metrics show a stream started with this relay protocol label.</summary>
    private async Task AssertRelayedAsAsync(string protocol, CancellationToken cancellationToken) =>
        await _sandbox.ScrapeUntilAsync(
            text => text.Split('\n').Any(line => line.Contains("protocol=\"" + protocol + "\"", StringComparison.Ordinal) && line.Contains("kind=\"exec\"", StringComparison.Ordinal)),
            cancellationToken);

    /// <summary>A new user allowed to exec into and port-forward to pods of demo, and the real kubectl set up to act as it.</summary>
    private async Task<(string User, KubectlEnvironment Environment)> BoundUserAsync(CancellationToken cancellationToken)
    {
        var user = await _streams.BoundUserAsync(cancellationToken);
        using var certificate = _streams.Certificate(user, TimeSpan.FromHours(1));
        return (user, _streams.KubectlAs(user, certificate));
    }

    private Task UnbindAsync(string user, CancellationToken cancellationToken) => _streams.UnbindAsync(user, cancellationToken);
}
