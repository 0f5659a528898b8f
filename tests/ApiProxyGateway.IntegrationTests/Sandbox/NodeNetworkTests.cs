using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.IntegrationTests.Protocols;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The isolation <c>--egress</c> relies on: what is made in a node network (listeners, processes) lives in its own
/// network namespace, where the host's network cannot reach it.
/// </summary>
public sealed class NodeNetworkTests
{
    private static readonly string? Unavailable = NodeNetwork.IsolationUnavailable();

    [Fact]
    public async Task Listener_InAnIsolatedNetwork_IsRefusedFromTheHostsNetworkButNotFromItsOwn()
    {
        Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");
        using var network = NodeNetwork.Isolated();
        // Above AddressPlan.MaximumTestBlock: no sandbox of a test running beside this one listens there.
        var endPoint = new IPEndPoint(IPAddress.Parse("127.252.1.1"), 10250);
        await using var listener = EchoServer.Listen(network, endPoint);

        using var fromHost = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => fromHost.ConnectAsync(endPoint, TestWait.Timeout()).AsTask());
        using var fromInside = await network.ConnectAsync(endPoint, TestWait.Timeout());

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.True(fromInside.Connected);
    }

    [Fact]
    public async Task Process_StartedInAnIsolatedNetwork_RunsInItsNamespace()
    {
        Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");
        using var network = NodeNetwork.Isolated();
        var registry = new ProcessRegistry();
        var env = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin" };

        await using var process = ApiProxyGateway.Sandbox.Runtime.HostProcess.Start(new ProcessSpec(["/bin/sh", "-c", "ip netns identify $$"], Path.GetTempPath(), env) { Network = network }, registry);
        using var output = new StreamReader(process.Stdout);
        var identified = await output.ReadToEndAsync(TestWait.Timeout());

        Assert.Equal(0, await process.Exited.WaitAsync(TestWait.Timeout()));
        Assert.Equal(network.NamespaceName, identified.Trim());
    }

    [Fact]
    public void Dispose_DeletesTheNamespace()
    {
        Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");
        var network = NodeNetwork.Isolated();
        var name = network.NamespaceName!; // ! an isolated network always has a namespace
        var existed = File.Exists($"/run/netns/{name}");

        network.Dispose();

        Assert.True(existed);
        Assert.False(File.Exists($"/run/netns/{name}"));
    }

    [Fact]
    public void RemoveStale_NamespaceOfAProcessThatIsGone_IsDeleted()
    {
        Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");
        const string stale = "apg-2147483646-1"; // no process has this id (pids stop at 2^22 on Linux)
        using (var add = Process.Start("ip", ["netns", "add", stale]))
        {
            add.WaitForExit();
        }

        var removed = NetworkNamespace.RemoveStale();

        Assert.Contains(stale, removed);
        Assert.False(File.Exists($"/run/netns/{stale}"));
    }
}
