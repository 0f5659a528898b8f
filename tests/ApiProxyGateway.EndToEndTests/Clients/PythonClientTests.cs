using System.Text.Json;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>
/// The official Python client (Debian's python3-kubernetes 22.6, driven by <c>Clients/python/driver.py</c>, one run per
/// test) against both paths, expecting what kube-apiserver and a real kubelet give it. The client speaks
/// <c>v4.channel.k8s.io</c> WebSockets for exec, attach and port-forward, which kube-apiserver passes to the kubelet
/// (node-a: SPDY for the new protocols only; node-b: ExtendWebSocketsToKubelet).
/// </summary>
public abstract class PythonClientTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    [Fact]
    public async Task ListPods_DemoNamespace_NamesTheScenarioPods()
    {
        var result = await RunAsync("list-pods", new { @namespace = "demo" });

        Assert.Subset(new HashSet<string>(["logger", "shell", "web"]), Strings(result.GetProperty("names")).ToHashSet());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("resourceVersion").GetString()));
    }

    [Fact]
    public async Task WatchPods_NothingHappening_AnswersBeforeTheFirstEvent()
    {
        var result = await RunAsync("watch-headers", new { @namespace = SandboxPods.Namespace, label = Unique("quiet") });

        // kube-apiserver flushes the status and headers as soon as the watch is registered; the driver gives up after 4 s.
        Assert.True(result.GetProperty("seconds").ValueKind == JsonValueKind.Number && result.GetProperty("seconds").GetDouble() < 2, result.ToString());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("application/json", result.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task WatchPods_PodCreatedThenDeleted_StreamsAddedThenDeleted()
    {
        var name = Unique("pywatch");

        var result = await RunAsync("watch-events", new { @namespace = SandboxPods.Namespace, name });

        var events = result.GetProperty("events").EnumerateArray().Select(e => (Type: e[0].GetString(), Name: e[1].GetString())).ToList();
        Assert.All(events, e => Assert.Equal(name, e.Name));
        Assert.Equal("ADDED", events.FirstOrDefault().Type);
        Assert.Equal("DELETED", events.LastOrDefault().Type);
    }

    [Fact]
    public async Task Logs_TailLinesAndTimestamps_SelectLikeTheKubelet()
    {
        var pod = await fixture.Pods.CreateAsync("node-b", "pylogs", ["workload", "logger", "--interval=10ms", "--count=5", "--message=entry"], restartPolicy: "Never");
        await fixture.Pods.WaitAsync(pod, p => p.Status?.Phase == "Succeeded");

        var result = await RunAsync("logs", new { @namespace = SandboxPods.Namespace, pod });

        Assert.Equal("entry 4\nentry 5\n", result.GetProperty("tail").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z entry 5\n$", result.GetProperty("timestamps").GetString());
    }

    [Fact]
    public async Task LogsFollow_RunningContainer_StreamsLinesAsTheyAreWritten()
    {
        // The container logs for a minute, so the first lines can only arrive while the response is still open.
        var pod = await fixture.Pods.CreateAsync("node-a", "pyfollow", ["workload", "logger", "--interval=100ms", "--count=600", "--message=tick"]);
        try
        {
            var result = await RunAsync("follow-logs", new { @namespace = SandboxPods.Namespace, pod, lines = 3 });

            Assert.Equal(["tick 1", "tick 2", "tick 3"], Strings(result.GetProperty("lines")));
        }
        finally
        {
            fixture.Host.Store.Typed.Delete<V1Pod>(SandboxPods.Namespace, pod);
        }
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Exec_StdoutStderrAndExitCode_ArriveOnTheirChannels(string node)
    {
        var result = await RunAsync("exec", new { @namespace = "demo", pod = SandboxPods.ExecPod(node), command = new[] { "sh", "-c", "echo \"hello from $NODE_NAME\"; echo oops >&2; exit 3" } });

        Assert.Equal($"hello from {node}\n", result.GetProperty("stdout").GetString());
        Assert.Equal("oops\n", result.GetProperty("stderr").GetString());
        Assert.Equal(3, result.GetProperty("returncode").GetInt32());
        Assert.Equal("NonZeroExitCode", result.GetProperty("status").GetProperty("reason").GetString());
    }

    /// <summary>
    /// A kubelet closes right after writing the exit status. The client waits for that close (run_forever, or is_open()
    /// loops) and only then reports its returncode, so a server that delays or hides its close delays every exec.
    /// </summary>
    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Exec_AfterTheExitStatus_ServerClosesPromptly(string node)
    {
        var result = await RunAsync("exec", new { @namespace = "demo", pod = SandboxPods.ExecPod(node), command = new[] { "true" }, wait_for_server_close = true });

        Assert.Equal(0, result.GetProperty("returncode").GetInt32());
        var seconds = result.GetProperty("statusToCloseSeconds");
        Assert.True(seconds.ValueKind == JsonValueKind.Number && seconds.GetDouble() < 4, $"status to close (a server that waits for the client's close reply takes 5 s): {result}");
    }

    [Theory]
    [InlineData("node-a", 4 << 20, 0)]
    [InlineData("node-b", 4 << 20, 0)]
    [InlineData("node-a", 4 << 20, 64 << 10)]
    [InlineData("node-b", 4 << 20, 64 << 10)]
    [InlineData("node-a", 1 << 20, 0)]
    [InlineData("node-b", 1 << 20, 0)]
    public async Task ExecStdin_LargeBinaryWrites_ArriveByteExact(string node, int size, int chunk)
    {
        // chunk 0: one write_stdin call, so one WebSocket message of size + 1 bytes (the channel byte).
        var result = await RunAsync("exec-stdin", new { @namespace = "demo", pod = SandboxPods.ExecPod(node), size, chunk });

        Assert.Equal(result.GetProperty("expected").GetString() + "  -\n", result.GetProperty("stdout").GetString());
        Assert.Equal(0, result.GetProperty("returncode").GetInt32());
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task ExecStdin_TextFrame_ReachesTheCommand(string node)
    {
        // write_stdin(str) sends a WebSocket text message; the kubelet's channel reader takes text and binary alike.
        var result = await RunAsync("exec-text", new { @namespace = "demo", pod = SandboxPods.ExecPod(node), text = "sent as text\n" });

        Assert.Equal("sent as text\n", result.GetProperty("stdout").GetString());
        Assert.Equal(0, result.GetProperty("returncode").GetInt32());
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task ExecTty_ResizeMessages_ReachTheTerminal(string node)
    {
        // The client's own example sends {"Width", "Height"}; Go decodes JSON keys case-insensitively, so lowercase works too.
        object[] sizes = [new Dictionary<string, int> { ["Width"] = 100, ["Height"] = 40 }, new Dictionary<string, int> { ["width"] = 90, ["height"] = 30 }];

        var result = await RunAsync("exec-tty", new { @namespace = "demo", pod = SandboxPods.ExecPod(node), sizes });

        Assert.Equal(["40 100", "30 90"], result.GetProperty("sizes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(0, result.GetProperty("returncode").GetInt32());
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Attach_LineOnStdin_IsEchoedBack(string node)
    {
        var pod = await fixture.Pods.CreateAsync(node, "pyattach", ["workload", "idle"], stdin: true);
        try
        {
            var result = await RunAsync("attach", new { @namespace = SandboxPods.Namespace, pod, line = "hello attach" });

            Assert.Equal("hello attach\n", result.GetProperty("stdout").GetString());
        }
        finally
        {
            fixture.Host.Store.Typed.Delete<V1Pod>(SandboxPods.Namespace, pod);
        }
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task PortForward_TwoPortsAtOnce_CarryHttpAndHttps(string node)
    {
        var pod = await fixture.Pods.WebAsync(node);

        var result = await RunAsync("port-forward", new { @namespace = SandboxPods.Namespace, pod });

        foreach (var (request, length) in new[] { ("first", 100_000), ("secure", 50_000), ("second", 200_000) })
        {
            var response = result.GetProperty(request);
            Assert.Equal(200, response.GetProperty("status").GetInt32());
            Assert.Equal(length, response.GetProperty("length").GetInt32());
            Assert.Equal(response.GetProperty("expected").GetString(), response.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    public async Task Exec_ViewerWithoutPodsExec_IsForbiddenWithAStatus()
    {
        var result = await RunAsync("forbidden-exec", new { @namespace = "demo", pod = "shell" }, user: "viewer");

        // Over a WebSocket the client only keeps the handshake's status line (websocket-client reads no body).
        Assert.Equal(403, result.GetProperty("websocket").GetProperty("status").GetInt32());
        var plain = result.GetProperty("plain");
        Assert.Equal(403, plain.GetProperty("status").GetInt32());
        var status = plain.GetProperty("body");
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Forbidden", status.GetProperty("reason").GetString());
        Assert.Equal(403, status.GetProperty("code").GetInt32());
        Assert.Equal("pods \"shell\" is forbidden: User \"viewer\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", status.GetProperty("message").GetString());
    }

    /// <summary>Runs one driver operation as <paramref name="user"/> and returns its result; fails with all output when the run did not end with one.</summary>
    protected async Task<JsonElement> RunAsync(string operation, object arguments, string user = "admin")
    {
        var run = await OfficialClient.Python.RunAsync(fixture.Environment, As(user), operation, arguments, cancellationToken: TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(run.ToString());

        Assert.True(run.Succeeded, run.ToString());
        var result = run.Result;
        Assert.False(result.TryGetProperty("error", out var error), $"{error}{Environment.NewLine}{run}");
        return result;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "")];
}
