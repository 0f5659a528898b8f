using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Pods;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>The same transfers through a real kubectl binary (what a user sees), against a kubeconfig context.</summary>
internal sealed partial class KubectlStreams(string kubectl, string kubeconfig, string context)
{
    public string Kubectl => kubectl;

    /// <summary>The kubectl on PATH and its versioned siblings (kubectl.1.27 … kubectl.1.33), as the end-to-end tests find them.</summary>
    public static IReadOnlyList<(string Name, string Path)> Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (onPath is null)
        {
            return [];
        }

        var directory = Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath)!; // ! a file path has a directory
        var found = new List<(string, string)>();
        foreach (var version in new[] { "1.33", "1.27" })
        {
            var path = Path.Combine(directory, "kubectl." + version);
            if (File.Exists(path))
            {
                found.Add(("kubectl " + version, path));
            }
        }

        return found;
    }

    public async Task<Transfer> ExecAsync(string benchDll, long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Start(["exec", "-n", BenchScenario.Namespace, "blob", "-c", "blob", "--", Environment.ProcessPath ?? "dotnet", benchDll, "emit", "--bytes", bytes.ToString(CultureInfo.InvariantCulture)]);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var (received, sha) = await HashingReader.ReadAsync(process.StandardOutput.BaseStream, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var transfer = NativeStreams.Check(received, Stopwatch.GetElapsedTime(started).TotalSeconds, sha, bytes, DataPattern.Sha256(bytes));
        return process.ExitCode == 0 ? transfer : transfer with { Verified = false, Problem = $"kubectl exited {process.ExitCode}: {(await errors).Trim()}" };
    }

    public async Task<Transfer> LogsAsync(int times, long expectedBytes, string expectedSha, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long total = 0;
        string? problem = null;
        for (var i = 0; i < times; i++)
        {
            using var process = Start(["logs", "-n", BenchScenario.Namespace, "biglog", "-c", "biglog"]);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var (received, sha) = await HashingReader.ReadAsync(process.StandardOutput.BaseStream, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            total += received;
            if (process.ExitCode != 0 || received != expectedBytes || sha != expectedSha)
            {
                problem ??= $"kubectl exited {process.ExitCode}, {received} bytes: {(await errors).Trim()}";
            }
        }

        return new Transfer(total, Stopwatch.GetElapsedTime(started).TotalSeconds, problem is null, problem);
    }

    /// <summary><c>kubectl port-forward pod/blob :9000</c>, then one connection through the local port.</summary>
    public async Task<Transfer> PortForwardAsync(long bytes, CancellationToken cancellationToken)
    {
        using var process = Start(["port-forward", "-n", BenchScenario.Namespace, "pod/blob", ":" + BenchScenario.SourcePort.ToString(CultureInfo.InvariantCulture), "--address", "127.0.0.1"]);
        try
        {
            var port = 0;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                while (port == 0 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (ForwardingLine().Match(line) is { Success: true } match)
                    {
                        port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    }
                }
            }

            if (port == 0)
            {
                return new Transfer(0, 1, false, "kubectl port-forward did not start: " + await process.StandardError.ReadToEndAsync(cancellationToken));
            }

            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var command = new byte[9];
            command[0] = (byte)'S';
            BinaryPrimitives.WriteInt64BigEndian(command.AsSpan(1), bytes);
            await stream.WriteAsync(command, cancellationToken);
            // Read exactly what was asked for: older kubectl (1.27) keeps the local connection open after the pod's
            // side has closed, so waiting for the end would wait until the step's deadline.
            var (received, sha) = await HashingReader.ReadAsync(stream, cancellationToken, bytes);
            return NativeStreams.Check(received, Stopwatch.GetElapsedTime(started).TotalSeconds, sha, bytes, DataPattern.Sha256(bytes));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("--context");
        start.ArgumentList.Add(context);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {kubectl}");
    }

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) ->")]
    private static partial Regex ForwardingLine();
}
