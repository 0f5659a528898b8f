using System.Buffers.Binary;
using System.Diagnostics;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Pods;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>kubectl's stream clients, built on ApiProxyGateway.Protocols: SPDY/3.1 port-forward and exec, and a plain log read.</summary>
internal static class NativeStreams
{
    public static async Task<(SpdySession Session, HttpMessageInvoker Invoker, string Protocol)> UpgradeAsync(Endpoint endpoint, (string Api, string Kubelet) path, string[] protocols, CancellationToken cancellationToken)
    {
        var invoker = new HttpMessageInvoker(Clients.Handler(endpoint, http2: false));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Resolve(path.Api, path.Kubelet));
        var (session, protocol) = await SpdyUpgrade.ConnectAsync(invoker, request, protocols, cancellationToken: cancellationToken);
        return (session, invoker, protocol);
    }

    /// <summary>Port-forward to the blob pod's source, asking it for <paramref name="bytes"/> pattern bytes.</summary>
    public static async Task<Transfer> PortForwardAsync(Endpoint endpoint, long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (session, invoker, _) = await UpgradeAsync(endpoint, StreamPaths.PortForward("blob"), [StreamProtocols.PortForwardV1], cancellationToken);
        using (invoker)
        await using (session)
        {
            await using var connection = await PortForwardConnection.OpenAsync(session, BenchScenario.SourcePort, 0, cancellationToken);
            var command = new byte[9];
            command[0] = (byte)'S';
            BinaryPrimitives.WriteInt64BigEndian(command.AsSpan(1), bytes);
            await connection.Data.WriteAsync(command, cancellationToken);
            var (received, sha) = await HashingReader.ReadAsync(connection.Data, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return Check(received, seconds, sha, bytes, DataPattern.Sha256(bytes));
        }
    }

    /// <summary>
    /// A port-forward to the blob pod's source in echo mode: one byte there and back, then closed. Returns the byte
    /// that came back (<c>'!'</c> when the path works) and when it came (a <see cref="Stopwatch"/> timestamp: closing
    /// is not part of the time to a first byte).
    /// </summary>
    public static async Task<(byte Echo, long Echoed)> PortForwardEchoAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        var (session, invoker, _) = await UpgradeAsync(endpoint, StreamPaths.PortForward("blob"), [StreamProtocols.PortForwardV1], cancellationToken);
        using (invoker)
        await using (session)
        {
            await using var connection = await PortForwardConnection.OpenAsync(session, BenchScenario.SourcePort, 0, cancellationToken);
            await connection.Data.WriteAsync("E!"u8.ToArray(), cancellationToken); // E: echo mode; ! comes back
            var echo = new byte[1];
            await connection.Data.ReadExactlyAsync(echo, cancellationToken);
            return (echo[0], Stopwatch.GetTimestamp());
        }
    }

    /// <summary>exec into the blob pod: <c>emit --bytes N</c>, stdout only.</summary>
    public static Task<Transfer> ExecAsync(Endpoint endpoint, string benchDll, long bytes, CancellationToken cancellationToken) =>
        ExecAsync(endpoint, benchDll, bytes, BenchScenario.Namespace, cancellationToken);

    /// <summary>The same exec into the blob pod of namespace <paramref name="ns"/>.</summary>
    public static Task<Transfer> ExecAsync(Endpoint endpoint, string benchDll, long bytes, string ns, CancellationToken cancellationToken) =>
        ExecAsync(endpoint, StreamPaths.Exec("blob", "blob", [Environment.ProcessPath ?? "dotnet", benchDll, "emit", "--bytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)], ns), bytes, DataPattern.Sha256(bytes), cancellationToken);

    /// <summary>One exec (stdout only) whose output must be <paramref name="expectedBytes"/> bytes with <paramref name="expectedSha"/>.</summary>
    public static async Task<Transfer> ExecAsync(Endpoint endpoint, (string Api, string Kubelet) path, long expectedBytes, string expectedSha, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (session, invoker, protocol) = await UpgradeAsync(endpoint, path, [StreamProtocols.RemoteCommandV4, "v3.channel.k8s.io", "v2.channel.k8s.io"], cancellationToken);
        using (invoker)
        await using (session)
        {
            await using var remote = await RemoteCommandClient.StartSpdyAsync(session, protocol, new RemoteCommandOptions { Stdout = true }, cancellationToken);
            var reading = HashingReader.ReadAsync(remote.Stdout!, cancellationToken); // ! Stdout was asked for
            var exit = await remote.WaitForExitAsync(cancellationToken);
            var (received, sha) = await reading;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var transfer = Check(received, seconds, sha, expectedBytes, expectedSha);
            return exit.Succeeded ? transfer : transfer with { Verified = false, Problem = $"exit {exit.ExitCode} {exit.Error}" };
        }
    }

    /// <summary>Reads the biglog pod's whole log <paramref name="times"/> times over one reused connection.</summary>
    public static async Task<Transfer> LogsAsync(HttpClient client, Endpoint endpoint, int times, long expectedBytes, string expectedSha, CancellationToken cancellationToken)
    {
        var path = StreamPaths.Logs("biglog", "biglog");
        var uri = endpoint.Resolve(path.Api, path.Kubelet);
        var started = Stopwatch.GetTimestamp();
        long total = 0;
        string? problem = null;
        for (var i = 0; i < times; i++)
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var (received, sha) = await HashingReader.ReadAsync(body, cancellationToken);
            total += received;
            if (!response.IsSuccessStatusCode || received != expectedBytes || sha != expectedSha)
            {
                problem ??= $"HTTP {(int)response.StatusCode}, {received} bytes, sha {sha[..12]}… (expected {expectedBytes}, {expectedSha[..12]}…)";
            }
        }

        return new Transfer(total, Stopwatch.GetElapsedTime(started).TotalSeconds, problem is null, problem);
    }

    public static Transfer Check(long received, double seconds, string sha, long expectedBytes, string expectedSha) =>
        received == expectedBytes && sha == expectedSha
            ? new Transfer(received, seconds, true)
            : new Transfer(received, seconds, false, $"{received} bytes, sha {sha[..12]}… (expected {expectedBytes}, {expectedSha[..12]}…)");
}
