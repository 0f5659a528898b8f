using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>The gateway's use of the library: WebSocket v5 from kubectl, SPDY to a kubelet that lacks WebSockets.</summary>
public sealed class ProtocolTranslationTests
{
    private static readonly RemoteCommandOptions Options = new() { Stdin = true, Stdout = true, Stderr = true };

    [Theory]
    [InlineData(3, null)]
    [InlineData(null, "container main is not running")]
    public async Task Translate_WebSocketV5ToSpdyV4_CarriesStreamsAndTheOutcome(int? exitCode, string? failure)
    {
        var ct = TestWait.Timeout();
        var (kubeletSide, gatewayKubeletSide) = DuplexPipeStream.CreatePair();
        var (kubectlSide, gatewayKubectlSide) = DuplexPipeStream.CreatePair();
        await using var kubeletSession = SpdySession.CreateServer(kubeletSide);
        await using var upstreamSession = SpdySession.CreateClient(gatewayKubeletSide);
        var kubeletAccepting = RemoteCommandServer.AcceptSpdyAsync(kubeletSession, StreamProtocols.RemoteCommandV4, Options, TimeSpan.FromSeconds(10), cancellationToken: ct);
        var downstreamAccepting = RemoteCommandServer.AcceptWebSocketAsync(
            WebSocket.CreateFromStream(gatewayKubectlSide, new WebSocketCreationOptions { IsServer = true }), StreamProtocols.RemoteCommandV5, Options, ct);
        await using var kubectl = RemoteCommandClient.StartWebSocket(
            WebSocket.CreateFromStream(kubectlSide, new WebSocketCreationOptions { IsServer = false }), StreamProtocols.RemoteCommandV5, Options);

        await using var upstream = await RemoteCommandClient.StartSpdyAsync(upstreamSession, StreamProtocols.RemoteCommandV4, Options, ct);
        await using var kubelet = await kubeletAccepting;
        await using var downstream = await downstreamAccepting;
        var gateway = TranslateAsync(downstream, upstream, ct);
        var container = Task.Run(async () =>
        {
            await kubelet.Stdin!.CopyToAsync(kubelet.Stdout!, ct);
            await kubelet.Stderr!.WriteAsync("warning"u8.ToArray(), ct);
            await (failure is null ? kubelet.CompleteAsync(exitCode!.Value, ct) : kubelet.FailAsync(failure, ct));
        }, ct);
        await kubectl.Stdin!.WriteAsync("through the gateway"u8.ToArray(), ct);
        await kubectl.CloseStdinAsync(ct);
        var stdout = SpdySessionTests.ReadAllAsync(kubectl.Stdout!, ct);
        var stderr = SpdySessionTests.ReadAllAsync(kubectl.Stderr!, ct);
        var result = await kubectl.WaitForExitAsync(ct);
        await Task.WhenAll(container, gateway);

        Assert.Equal("through the gateway", Encoding.UTF8.GetString(await stdout));
        Assert.Equal("warning", Encoding.UTF8.GetString(await stderr));
        Assert.Equal(new RemoteCommandResult(exitCode, failure), result);
    }

    private static async Task TranslateAsync(RemoteCommandServer downstream, RemoteCommandClient upstream, CancellationToken ct)
    {
        var stdin = Task.Run(async () =>
        {
            await downstream.Stdin!.CopyToAsync(upstream.Stdin!, ct);
            await upstream.CloseStdinAsync(ct);
        }, ct);
        var stdout = upstream.Stdout!.CopyToAsync(downstream.Stdout!, ct);
        var stderr = upstream.Stderr!.CopyToAsync(downstream.Stderr!, ct);
        var result = await upstream.WaitForExitAsync(ct);
        await Task.WhenAll(stdin, stdout, stderr);
        await downstream.CompleteAsync(result, ct);
    }
}
