using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// kube-apiserver's StreamTranslatorHandler (1.30+): a <c>v5.channel.k8s.io</c> WebSocket from the client, SPDY to a
/// kubelet that does not declare ExtendWebSocketsToKubelet. The client's WebSocket is accepted first; a kubelet that
/// cannot be reached is then reported on the error channel, as the API server does.
/// </summary>
internal static class RemoteCommandTranslation
{
    private static readonly TimeSpan SpdyPing = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(HttpContext http, HttpMessageInvoker invoker, Uri uri, Uri kubelet, RemoteCommandOptions options)
    {
        var aborted = http.RequestAborted;
        using var socket = await ServerUpgrade.AcceptWebSocketAsync(http, StreamProtocols.RemoteCommandV5);
        await using var remote = await RemoteCommandServer.AcceptWebSocketAsync(socket, StreamProtocols.RemoteCommandV5, options, aborted);
        HttpResponseMessage response;
        try
        {
            response = await KubeletUpgrade.SpdyAsync(invoker, uri, StreamProtocols.RemoteCommandSpdy, http.Connection.RemoteIpAddress?.ToString(), aborted);
        }
        catch (HttpRequestException e)
        {
            await remote.FailAsync($"error dialing backend: {KubeletErrors.Describe(e, kubelet)}", aborted);
            return;
        }

        using (response)
        {
            if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
            {
                var body = (await response.Content.ReadAsStringAsync(aborted)).Trim();
                await remote.FailAsync($"unable to upgrade connection: {body}", aborted);
                return;
            }

            var protocol = response.Headers.TryGetValues(StreamProtocols.ProtocolVersionHeader, out var values) ? values.First() : StreamProtocols.RemoteCommandV1;
            await using var session = SpdySession.CreateClient(await response.Content.ReadAsStreamAsync(aborted), new SpdySessionOptions { PingInterval = SpdyPing });
            await using var client = await RemoteCommandClient.StartSpdyAsync(session, protocol, options, aborted);
            var stdin = PumpStdinAsync(remote, client, aborted);
            var resizes = PumpResizesAsync(remote, client, aborted);
            var outputs = Task.WhenAll(
                client.Stdout is { } stdout ? StreamPump.CopyAsync(stdout, remote.Stdout ?? Stream.Null, aborted) : Task.CompletedTask,
                client.Stderr is { } stderr ? StreamPump.CopyAsync(stderr, remote.Stderr ?? Stream.Null, aborted) : Task.CompletedTask);
            var result = await client.WaitForExitAsync(aborted);
            await outputs;
            await remote.CompleteAsync(result, aborted);
            _ = stdin;
            _ = resizes;
        }
    }

    private static async Task PumpStdinAsync(RemoteCommandServer remote, RemoteCommandClient client, CancellationToken cancellationToken)
    {
        if (remote.Stdin is not { } from || client.Stdin is not { } to)
        {
            return;
        }

        try
        {
            await StreamPump.CopyAsync(from, to, cancellationToken);
            await client.CloseStdinAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SpdyProtocolException)
        {
        }
    }

    private static async Task PumpResizesAsync(RemoteCommandServer remote, RemoteCommandClient client, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var size in remote.Resizes.ReadAllAsync(cancellationToken))
            {
                await client.ResizeAsync(size, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or SpdyProtocolException)
        {
        }
    }
}
