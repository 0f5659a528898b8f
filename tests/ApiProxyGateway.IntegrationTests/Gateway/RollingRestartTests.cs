using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Two gateway replicas behind the sandbox's HAProxy (TCP mode, each health-checked on its <c>/readyz</c>); the one
/// holding a watch is replaced as a Deployment with <c>maxSurge: 1, maxUnavailable: 0</c> replaces it (the new one
/// in rotation first, then SIGTERM to the old one) while short requests (pass-through get pod, pods/proxy) run back
/// to back over HTTP/2: no short request fails, the old replica leaves the rotation before it exits, and the watch
/// ends with a Status that says why. (The whole roll, with streams of every kind, is bench/'s rolling scenario.)
/// </summary>
public sealed class RollingRestartTests
{
    // A bound so nothing hangs; the step itself takes a replica's start and a 4 s drain.
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    private static readonly string[] ShortRequests = ["/api/v1/namespaces/demo/pods/logger", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/"];

    [Fact]
    public async Task Roll_WithShortRequestsAndAWatchRunning_NoRequestFailsAndTheWatchEndsWithAStatus()
    {
        var token = TestWait.Timeout(TestTimeout);
        var directory = Directory.CreateTempSubdirectory("apg-roll-").FullName;
        try
        {
            var options = TestSandbox.Options(Path.Combine(directory, "state"), ["--Shutdown:ReadinessGracePeriod=00:00:02", "--Shutdown:DrainPeriod=00:00:02"]) with { GatewayReplicas = 2 };
            await using var host = await TestSandbox.StartAsync(options, token);
            var before = host.GatewayReplicas.Select(r => r.Name).ToList();
            using var watcher = Http2Client(host);
            using var watch = await watcher.GetAsync("/api/v1/namespaces/demo/pods?watch=true", HttpCompletionOption.ResponseHeadersRead, token);
            Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
            using var events = new StreamReader(await watch.Content.ReadAsStreamAsync(token));
            Assert.Contains("\"ADDED\"", await events.ReadLineAsync(token), StringComparison.Ordinal);
            var rest = ReadToEndAsync(events, token);

            using var client = Http2Client(host);
            using var stop = new CancellationTokenSource();
            var loops = ShortRequests.Select(path => new RequestLoop(client, path)).ToList();
            var running = loops.Select(loop => loop.RunAsync(stop.Token)).ToList();
            await TestWait.UntilAsync(() => loops.All(loop => loop.Succeeded > 0), "every kind of short request has been answered through the balancer");

            var holder = await WatchHolderAsync(host, token);
            var step = await host.ReplaceGatewayReplicaAsync(holder, token);
            await stop.CancelAsync();
            await Task.WhenAll(running);
            var (lines, cut) = await rest;

            TestContext.Current.TestOutputHelper?.WriteLine($"{step}; short requests: {string.Join(", ", loops.Select(l => $"{l.Path} {l.Succeeded} ok, {l.Retried} retried"))}");
            Assert.Equal(2, before.Count);
            Assert.Equal(holder, step.Replaced);
            Assert.DoesNotContain(host.GatewayReplicas, r => r.Name == holder);
            Assert.Contains(host.GatewayReplicas, r => r.Name == step.Replacement);
            Assert.False(step.Killed, $"{step.Replaced} did not exit within the sandbox's bound after SIGTERM");
            Assert.Equal(0, step.ExitCode);
            Assert.True(step.OutOfRotationAfter is { } leftRotation && leftRotation < step.ExitedAfter,
                $"{step.Replaced} left the balancer's rotation after {step.OutOfRotationAfter}, not before it exited ({step.ExitedAfter} after SIGTERM)");
            Assert.All(loops, loop => Assert.True(loop.Failures.IsEmpty, $"{loop.Path}: {loop.Failures.Count} of {loop.Succeeded + loop.Failures.Count} short requests failed during the roll: {string.Join("; ", loop.Failures.Take(5))}"));

            // The watch was on one of the replaced replicas: it ends with an ERROR event carrying a Status, not a cut.
            Assert.False(cut, $"the watch was cut without a reason; it had received: {string.Join(" | ", lines.TakeLast(2))}");
            Assert.NotEmpty(lines);
            var last = JsonNode.Parse(lines[^1])!; // ! a JSON watch sends JSON objects
            Assert.Equal("ERROR", (string?)last["type"]);
            Assert.Equal("Status", (string?)last["object"]?["kind"]);
            Assert.Equal("TooManyRequests", (string?)last["object"]?["reason"]);
            Assert.Equal(429, (int?)last["object"]?["code"]);
            Assert.Contains("shutting down", (string?)last["object"]?["message"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The replica whose <c>/metrics</c> counts the open watch (the balancer chose it).</summary>
    private static async Task<string> WatchHolderAsync(SandboxHost host, CancellationToken cancellationToken)
    {
        string? holder = null;
        await TestWait.UntilAsync(async token =>
        {
            foreach (var replica in host.GatewayReplicas)
            {
                using var operations = new HttpClient { BaseAddress = replica.OperationsUrl, Timeout = TimeSpan.FromSeconds(10) };
                var metrics = await operations.GetStringAsync("/metrics", token);
                if (metrics.Split('\n').Any(line => line.StartsWith("apiproxygateway_streams_active{", StringComparison.Ordinal) && line.Contains("kind=\"watch\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal)))
                {
                    holder = replica.Name;
                    return true;
                }
            }

            return false;
        }, "one replica's /metrics counts the open watch", TestWait.DefaultTimeout, cancellationToken);
        return holder!; // ! set when the wait succeeds
    }

    /// <summary>As kubectl talks to the gateway: HTTP/2 over one reused connection, new ones when the server sends GOAWAY.</summary>
    private static HttpClient Http2Client(SandboxHost host)
    {
        var client = host.CreateGatewayClient("admin");
        client.DefaultRequestVersion = HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        client.Timeout = TestWait.OperationTimeout;
        return client;
    }

    /// <summary>Every line until the stream ends; whether it ended by a reset or abort rather than cleanly.</summary>
    private static async Task<(List<string> Lines, bool Cut)> ReadToEndAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lines.Add(line);
            }

            return (lines, false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return (lines, true);
        }
    }

    /// <summary>
    /// Short requests at a steady 40 a second until stopped (a pace, not a wait: flat out, they would starve the new
    /// replica's start on two cores); what failed, and why. A 429 with Retry-After counts as retried (client-go retries it).
    /// </summary>
    private sealed class RequestLoop(HttpClient client, string path)
    {
        private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);

        private int _succeeded;

        public string Path => path;

        public int Succeeded => Volatile.Read(ref _succeeded);

        public int Retried { get; private set; }

        public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

        public async Task RunAsync(CancellationToken stop)
        {
            using var pace = new PeriodicTimer(Pace);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync(path, stop);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref _succeeded);
                    }
                    else if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is not null)
                    {
                        Retried++;
                    }
                    else
                    {
                        Failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    Failures.Enqueue($"{e.GetType().Name}: {e.Message}");
                }

                try
                {
                    await pace.WaitForNextTickAsync(stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
