using System.Text.Json;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>
/// The official JavaScript client (<c>@kubernetes/client-node</c>, driven by <c>Clients/javascript/driver.mjs</c>) over
/// both paths, each case expecting what kube-apiserver and a real kubelet answer. The client speaks WebSockets only:
/// it offers <c>v5.channel.k8s.io</c> … <c>channel.k8s.io</c> for exec, attach and port-forward alike, sends every
/// stdin chunk as one binary message, a terminal's size as <c>{"height":H,"width":W}</c> on channel 4, and forwards
/// one port per WebSocket (<c>?ports=N</c>).
/// </summary>
public abstract class JavaScriptClientTests(SandboxFixture fixture)
{
    private const int FourMebibytes = 4 * 1024 * 1024;

    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    [Fact]
    public async Task ListPods_DemoNamespace_NamesTheScenarioPods()
    {
        var run = await RunAsync("list", new { @namespace = "demo" });

        Assert.True(run.Succeeded, run.ToString());
        Assert.Superset(new HashSet<string>(["web", "logger", "shell"]), Strings(run.Result.GetProperty("names")).ToHashSet());
    }

    [Fact]
    public async Task WatchPods_CreatedThenDeleted_DeliversAddedThenDeleted()
    {
        // The driver watches from its list's resourceVersion, so the events cannot be missed whenever the watch starts.
        var name = "js-watch-" + Guid.NewGuid().ToString("N")[..6];

        var run = await RunAsync("watch", new { @namespace = SandboxPods.Namespace, name });

        Assert.True(run.Succeeded, run.ToString());
        var events = run.Result.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("name").GetString()}");
        Assert.Equal([$"ADDED {name}", $"DELETED {name}"], events); // an unscheduled pod is deleted at once, without a grace period
    }

    [Fact]
    public async Task WatchPods_QuietSelector_ResponseStartsBeforeAnyEvent()
    {
        // kube-apiserver sends a watch's headers at once; client-node's watch() resolves on them, and callers (informers)
        // take that as "established". Nothing matches the selector, so no event can carry the headers along.
        var run = await RunAsync("watchQuiet", new { @namespace = SandboxPods.Namespace, withinMs = 5000 });

        Assert.True(run.Succeeded, run.ToString());
        Assert.InRange(run.Result.GetProperty("establishedMs").GetInt32(), 0, 2000);
    }

    [Fact]
    public async Task Logs_TailLinesAndTimestamps_SelectLikeTheKubelet()
    {
        var pod = await fixture.Pods.CreateAsync("node-a", "js-logs", ["workload", "logger", "--interval=10ms", "--count=5", "--message=entry"], restartPolicy: "Never");
        await fixture.Pods.WaitAsync(pod, p => p.Status?.Phase == "Succeeded");

        var run = await RunAsync("logs", new { @namespace = SandboxPods.Namespace, pod, container = "main", requests = new object[] { new { }, new { tailLines = 2 }, new { timestamps = true, tailLines = 1 } } });

        Assert.True(run.Succeeded, run.ToString());
        var outputs = Strings(run.Result.GetProperty("outputs"));
        Assert.Equal("entry 1\nentry 2\nentry 3\nentry 4\nentry 5\n", outputs[0]);
        Assert.Equal("entry 4\nentry 5\n", outputs[1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z entry 5\n$", outputs[2]);
    }

    [Fact]
    public async Task LogsFollow_RunningContainer_StreamsNewLinesUntilAborted()
    {
        // tailLines=1 then three more lines: at least three of the four arrive after the request, as they are written.
        var pod = await fixture.Pods.CreateAsync("node-b", "js-follow", ["workload", "logger", "--interval=100ms", "--count=600", "--message=tick"], restartPolicy: "Never");
        try
        {
            await fixture.Pods.WaitRunningAsync(pod);

            var run = await RunAsync("logsFollow", new { @namespace = SandboxPods.Namespace, pod, container = "main", tailLines = 1, lines = 4 });

            Assert.True(run.Succeeded, run.ToString());
            var lines = Strings(run.Result.GetProperty("lines"));
            Assert.All(lines, l => Assert.Matches(@"^tick \d+$", l));
            var first = int.Parse(lines[0]["tick ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Enumerable.Range(first, 4).Select(i => $"tick {i}"), lines);
        }
        finally
        {
            DeletePod(pod);
        }
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Exec_OutputErrorAndExitCode_ArriveOnTheirChannels(string node)
    {
        var pod = SandboxPods.ExecPod(node);

        var run = await RunAsync("exec", new { @namespace = "demo", pod, container = pod, command = new[] { "sh", "-c", "echo hello from $NODE_NAME; echo oops >&2; exit 3" } });

        Assert.True(run.Succeeded, run.ToString());
        var result = run.Result;
        Assert.Equal("v5.channel.k8s.io", result.GetProperty("protocol").GetString());
        Assert.Equal($"hello from {node}\n", result.GetProperty("stdout").GetString());
        Assert.Equal("oops\n", result.GetProperty("stderr").GetString());
        var status = result.GetProperty("status");
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal("NonZeroExitCode", status.GetProperty("reason").GetString());
        var cause = Assert.Single(status.GetProperty("details").GetProperty("causes").EnumerateArray());
        Assert.Equal("ExitCode", cause.GetProperty("reason").GetString());
        Assert.Equal("3", cause.GetProperty("message").GetString());

        // The status is the last message: the server then answers client-node's close at once, as kube-apiserver does.
        Assert.InRange(result.GetProperty("closeMs").GetInt32(), 0, 3000);
    }

    [Theory]
    [InlineData("node-a", FourMebibytes)]
    [InlineData("node-a", 64 * 1024)]
    [InlineData("node-b", FourMebibytes)]
    [InlineData("node-b", 64 * 1024)]
    public async Task Exec_FourMebibytesOfStdin_ArriveByteExact(string node, int chunkSize)
    {
        // client-node sends each chunk as one binary message: chunkSize = 4 MiB is a single 4 MiB message.
        var pod = SandboxPods.ExecPod(node);

        var run = await RunAsync("exec", new { @namespace = "demo", pod, container = pod, command = new[] { "sha256sum" }, stdinBytes = FourMebibytes, chunkSize });

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal($"{run.Result.GetProperty("stdinSha256").GetString()}  -\n", run.Result.GetProperty("stdout").GetString());
        Assert.Equal("Success", run.Result.GetProperty("status").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task ExecTty_SizeAndResize_ReachTheTerminal(string node)
    {
        // The shell prints `stty size` at once and on each SIGWINCH; the driver succeeds only once it has seen both sizes
        // and the shell has ended on a typed line. Go's JSON decoding (the kubelet's) ignores the keys' case.
        var pod = SandboxPods.ExecPod(node);

        var run = await RunAsync("execResize", new { @namespace = "demo", pod, container = pod, deadlineMs = 8_000 });

        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("40 100", run.Result.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.Contains("50 120", run.Result.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.True(run.Result.GetProperty("status").GetProperty("status").GetString() == "Success", run.ToString());
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Attach_LineOnStdin_IsEchoedBack(string node)
    {
        var pod = await fixture.Pods.CreateAsync(node, "js-attach", ["workload", "idle"], stdin: true);
        try
        {
            var run = await RunAsync("attach", new { @namespace = SandboxPods.Namespace, pod, container = "main", line = $"hello {pod}" });

            Assert.True(run.Succeeded, run.ToString());
            Assert.Equal($"hello {pod}\n", run.Result.GetProperty("stdout").GetString());
        }
        finally
        {
            DeletePod(pod);
        }
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task PortForward_TwoRequestsThenTwoPortsAtOnce_ReachThePod(string node)
    {
        // kube-apiserver passes a WebSocket port-forward that is not kubectl's SPDY tunnel on to the kubelet, whose CRI
        // streaming server accepts "", v4.channel.k8s.io and v4.base64.channel.k8s.io: of client-node's offer, v4.
        var pod = await fixture.Pods.WebAsync(node);
        var podIp = fixture.Host.Store.Typed.Get<V1Pod>(SandboxPods.Namespace, pod)?.Status?.PodIP;

        var run = await RunAsync("portForward", new { @namespace = SandboxPods.Namespace, pod, ports = new[] { 8080, 8443 }, ca = fixture.Host.Pki.WorkloadCaCertificate, podIP = podIp });

        Assert.True(run.Succeeded, run.ToString());
        var result = run.Result;
        Assert.Equal(["v4.channel.k8s.io"], Strings(result.GetProperty("protocols")));
        var sequential = result.GetProperty("sequential");
        AssertEcho(sequential[0], pod, "http");
        Assert.Equal(200, sequential[1].GetProperty("status").GetInt32());
        Assert.Equal(1024 * 1024, sequential[1].GetProperty("length").GetInt32());
        Assert.True(sequential[1].GetProperty("intact").GetBoolean(), run.ToString());
        AssertEcho(result.GetProperty("concurrent")[0], pod, "http");
        AssertEcho(result.GetProperty("concurrent")[1], pod, "https");
    }

    [Fact]
    public async Task Exec_Viewer_IsRefusedWithAForbiddenStatus()
    {
        var run = await RunAsync("exec", new { @namespace = "demo", pod = "shell", container = "shell", command = new[] { "true" } }, user: "viewer");

        Assert.False(run.Succeeded, run.ToString());
        var error = run.Result.GetProperty("error");
        Assert.Equal(403, error.GetProperty("status").GetInt32());
        var status = error.GetProperty("body");
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Forbidden", status.GetProperty("reason").GetString());
        Assert.Equal(403, status.GetProperty("code").GetInt32());
        Assert.Contains("pods \"shell\" is forbidden: User \"viewer\" cannot", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("resource \"pods/exec\"", status.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    protected Task<ClientRun> RunAsync(string operation, object arguments, string user = "admin") =>
        OfficialClient.JavaScript.RunAsync(fixture.Environment, As(user), operation, arguments, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Deletes a pod this test created, which stops its processes.</summary>
    private void DeletePod(string pod) => fixture.Host.Store.Typed.Delete<V1Pod>(SandboxPods.Namespace, pod);

    private static void AssertEcho(JsonElement response, string pod, string scheme)
    {
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal(pod, response.GetProperty("body").GetProperty("pod").GetString());
        Assert.Equal(scheme, response.GetProperty("body").GetProperty("scheme").GetString());
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "")];
}
