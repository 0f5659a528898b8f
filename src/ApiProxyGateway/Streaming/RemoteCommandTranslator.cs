using System.Net.Http.Headers;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Recording;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Serves kubectl's WebSocket v5 exec/attach for kubelets that speak only SPDY, as kube-apiserver's stream
/// translator does: the SPDY side is opened first (so a kubelet failure is a plain non-101 answer and kubectl
/// falls back to SPDY with the real error), then the client's WebSocket is accepted and each channel is
/// carried to its SPDY stream, resize events included, with the exit status passed back at the end. If either
/// side breaks its protocol (a WebSocket message over the size limit, a SPDY frame over one of the session's
/// limits) the relay ends at once, both connections are closed, and the reason is logged.
/// </summary>
internal sealed class RemoteCommandTranslator(IOptions<StreamingOptions> options, TimeProvider timeProvider, ILogger<RemoteCommandTranslator> logger)
{
    private static readonly TimeSpan SpdyPingInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(5);

    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        var settings = options.Value;
        var commandOptions = KubeletPaths.StreamOptions(http.Request.Query);
        using var response = await KubeletUpgrade.OpenAsync(stream.Invoker, stream.Target, HttpMethod.Post, stream.KubeletPathAndQuery, StreamProtocols.RemoteCommandSpdy, stream.ForwardedFor, http.RequestAborted);
        if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
        {
            await KubeletResponses.WriteErrorAsync(http, stream.Target, response);
            return;
        }

        var negotiated = Negotiated(response.Headers);
        await using var transport = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        await using var session = SpdySession.CreateClient(transport, new SpdySessionOptions { PingInterval = SpdyPingInterval, TimeProvider = timeProvider });
        using var setupTime = new CancellationTokenSource(settings.StreamCreationTimeout, timeProvider);
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, setupTime.Token);
        await using var kubelet = await RemoteCommandClient.StartSpdyAsync(session, negotiated, commandOptions, setup.Token);

        using var socket = await http.WebSockets.AcceptWebSocketAsync(StreamProtocols.RemoteCommandV5);
        await using var client = await RemoteCommandServer.AcceptWebSocketAsync(socket, StreamProtocols.RemoteCommandV5, commandOptions, http.RequestAborted);

        stream.Tracker.Started("websocket-v5-translated");
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stream.Closing, client.ConnectionFailed);
        using var idle = new IdleWatch(settings.IdleTimeout, timeProvider, ended.Token);
        ByteCount fromClient = new(), toClient = new();
        var stdin = client.Stdin is { } clientStdin && kubelet.Stdin is { } kubeletStdin ? CopyStdinAsync(clientStdin, kubeletStdin, kubelet, idle, fromClient, stream.Recording) : Task.CompletedTask;
        var stdout = client.Stdout is { } clientStdout && kubelet.Stdout is { } kubeletStdout ? DuplexPump.CopyAsync(kubeletStdout, clientStdout, idle, toClient, Recorded(clientStdout, stream.Recording, RecordedChannel.Stdout)) : Task.CompletedTask;
        var stderr = client.Stderr is { } clientStderr && kubelet.Stderr is { } kubeletStderr ? DuplexPump.CopyAsync(kubeletStderr, clientStderr, idle, toClient, Recorded(clientStderr, stream.Recording, RecordedChannel.Stderr)) : Task.CompletedTask;
        var resizes = RelayResizesAsync(client, kubelet, stream.Recording, idle.Token);

        var endedBy = "upstream";
        try
        {
            var result = await kubelet.WaitForExitAsync(idle.Token);
            stream.Tracker.ExitCode = result.ExitCode;
            await Task.WhenAll(stdout, stderr);
            await client.CompleteAsync(result, http.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
        {
            if (stream.EndedByGateway is { } end)
            {
                // The client is told why, on the error channel as a Status, as a failed command would be.
                await TellQuietlyAsync(client, end.Message, timeProvider);
            }

            var violation = Violation(e, client, session);
            endedBy = violation is not null ? "protocol-error"
                : idle.IdledOut ? "idle-timeout" : http.RequestAborted.IsCancellationRequested ? "client" : "error";
            if (violation is { } broken)
            {
                StreamingLog.ProtocolViolation(logger, stream.Subresource, stream.Pod.Namespace, stream.Pod.Name, broken.Side, broken.Reason);
            }
        }
        finally
        {
            await idle.StopAsync();
            await DuplexPump.Quietly(Task.WhenAll(stdin, stdout, stderr, resizes));
        }

        stream.Tracker.Finished(new PumpResult(fromClient.Value, toClient.Value, endedBy));
    }

    /// <summary>
    /// Which side broke its protocol, and how, if that is why the stream ended: the client's failure is recorded on
    /// its connection; the kubelet's arrives inside the stream error (possibly before the session's own completion).
    /// </summary>
    private static (string Side, string Reason)? Violation(Exception caught, RemoteCommandServer client, SpdySession session)
    {
        if (client.ConnectionError is ChannelProtocolException clientError)
        {
            return ("client", clientError.Message);
        }

        for (var inner = caught; inner is not null; inner = inner.InnerException)
        {
            if (inner is SpdyProtocolException kubeletError)
            {
                return ("kubelet", kubeletError.Message);
            }
        }

        return session.Completion is { IsFaulted: true, Exception.InnerException: SpdyProtocolException failed } ? ("kubelet", failed.Message) : null;
    }

    private static async Task TellQuietlyAsync(RemoteCommandServer client, string message, TimeProvider timeProvider)
    {
        using var deadline = new CancellationTokenSource(TellTimeout, timeProvider);
        try
        {
            await client.CompleteAsync(new RemoteCommandResult(null, message), deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone already.
        }
    }

    private static string Negotiated(HttpResponseHeaders headers) =>
        headers.TryGetValues("X-Stream-Protocol-Version", out var values) && values.FirstOrDefault() is { Length: > 0 } protocol
            ? protocol
            : StreamProtocols.RemoteCommandV1;

    private static async Task CopyStdinAsync(Stream from, Stream to, RemoteCommandClient kubelet, IdleWatch idle, ByteCount count, SessionRecording? recording)
    {
        await DuplexPump.CopyAsync(from, to, idle, count, Recorded(to, recording, RecordedChannel.Stdin));
        await kubelet.CloseStdinAsync(idle.Token);
    }

    /// <summary>A copy's forwarder that hands each chunk to the recording before it goes on; none without a recording.</summary>
    private static Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<bool>>? Recorded(Stream to, SessionRecording? recording, RecordedChannel channel) =>
        recording is null ? null : async (chunk, cancellationToken) =>
        {
            recording.Write(channel, chunk.Span);
            await to.WriteAsync(chunk, cancellationToken);
            await to.FlushAsync(cancellationToken);
            return true;
        };

    private static async Task RelayResizesAsync(RemoteCommandServer client, RemoteCommandClient kubelet, SessionRecording? recording, CancellationToken cancellationToken)
    {
        await foreach (var size in client.Resizes.ReadAllAsync(cancellationToken))
        {
            recording?.Resize(size);
            await kubelet.ResizeAsync(size, cancellationToken);
        }
    }
}
