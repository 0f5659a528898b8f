using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>
/// What makes the egress suites prove anything: from the host's network, where the gateway runs, no kubelet and no pod
/// of the sandbox accepts a connection, so every stream those suites saw went through konnectivity-server and an agent.
/// </summary>
public abstract class EgressIsolationTests(SandboxFixture fixture)
{
    [Fact]
    public async Task KubeletsAndPods_FromTheGatewaysNetwork_RefuseConnections()
    {
        var pod = await fixture.Pods.WebAsync("node-a");
        var podIp = fixture.Host.Store.Typed.Get<V1Pod>(SandboxPods.Namespace, pod)?.Status?.PodIP ?? throw new InvalidOperationException($"pod {pod} has no IP");
        var targets = new[] { "node-a", "node-b" }
            .Select(node => fixture.Host.KubeletUrl(node))
            .Select(url => new IPEndPoint(IPAddress.Parse(url.Host), url.Port))
            .Append(new IPEndPoint(IPAddress.Parse(podIp), 8080))
            .Append(new IPEndPoint(IPAddress.Parse(podIp), 8443));

        foreach (var target in targets)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(target, TestContext.Current.CancellationToken).AsTask());
            Assert.True(refused.SocketErrorCode == SocketError.ConnectionRefused, $"{target}: {refused.SocketErrorCode}");
        }
    }
}

/// <summary>The <see cref="EgressIsolationTests"/> of the gRPC egress sandbox.</summary>
public sealed class GrpcEgressIsolationTests(SharedSandbox<GrpcEgressSandboxFixture> egress) : EgressIsolationTests(egress.Fixture), IClassFixture<SharedSandbox<GrpcEgressSandboxFixture>>;

/// <summary>The <see cref="EgressIsolationTests"/> of the HTTP CONNECT egress sandbox.</summary>
public sealed class HttpConnectEgressIsolationTests(SharedSandbox<HttpConnectEgressSandboxFixture> egress) : EgressIsolationTests(egress.Fixture), IClassFixture<SharedSandbox<HttpConnectEgressSandboxFixture>>;
