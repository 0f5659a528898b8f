using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>
/// Session recording through the gateway, which the sandbox runs with <c>--record-sessions all --record-input</c>:
/// a real <c>kubectl exec -it</c> on a real terminal, over every relay (SPDY passed through, WebSocket v5 passed through
/// to the WebSocket node, WebSocket v5 translated for the SPDY node), replayed with asciinema; and a non-interactive
/// exec whose JSON-lines recording holds exactly the bytes that crossed. The audit event names each file and its hash.
/// </summary>
public sealed class RecordingTests(SandboxFixture fixture)
{
    /// <summary>kubectl version, KUBECTL_REMOTE_COMMAND_WEBSOCKETS, node: SPDY to either node, v5 passed through (node-b) or translated (node-a).</summary>
    public static TheoryData<string, string, string> Terminals => new()
    {
        { "1.27", "", "node-a" },
        { "1.27", "", "node-b" },
        { "1.33", "", "node-b" },
        { "1.33", "", "node-a" },
    };

    [Theory]
    [MemberData(nameof(Terminals))]
    public async Task ExecTty_Recorded_ReplaysWithAsciinemaAndMatchesTheAuditHash(string version, string websockets, string node)
    {
        var asciinema = HostTool.Require("asciinema", "the recording tests replay terminal sessions with asciinema cat (Debian: apt-get install asciinema)");
        var marker = "rec-" + Guid.NewGuid().ToString("N")[..8];
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);
        string[] arguments = ["--context", "admin", "exec", "-it", "-n", "demo", SandboxPods.ExecPod(node), "--", "sh", "-c", $"echo {marker}; while read line; do echo \"got:$line\"; stty size; done"];
        await using (var terminal = TerminalKubectl.Start(Kubectl.Version(version), environment, arguments, new TerminalSize(101, 33), fixture.TestProcesses))
        {
            await terminal.WaitForAsync(o => o.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            await terminal.TypeAsync("hello\r");
            await terminal.WaitForAsync(o => o.Contains("33 101", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            terminal.Resize(new TerminalSize(120, 40));
            await terminal.WaitForAsync(o => o.Contains("40 120", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => terminal.TypeAsync("\r"));
            await terminal.TypeAsync("\u0004"); // Ctrl-D: read ends, and with it the shell
            Assert.Equal(0, await terminal.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        var (path, lines) = await RecordingOfAsync(marker);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(2, (int)header["version"]!);
        Assert.Equal((101, 33), ((int)header["width"]!, (int)header["height"]!));
        Assert.Equal("admin", (string?)header["apiproxygateway"]?["user"]);
        Assert.Equal("demo", (string?)header["apiproxygateway"]?["namespace"]);
        var events = lines.Skip(1).Select(line => JsonNode.Parse(line)!.AsArray()).ToList();
        Assert.Contains(events, e => (string?)e[1] == "r" && (string?)e[2] == "120x40");
        Assert.Contains(events, e => (string?)e[1] == "i" && ((string?)e[2] ?? "").Contains("hello", StringComparison.Ordinal));
        Assert.True(events.Select(e => (double)e[0]!).Order().SequenceEqual(events.Select(e => (double)e[0]!)), "event times go forward");

        var replayed = await ReplayAsync(asciinema, path);
        Assert.Contains(marker, replayed, StringComparison.Ordinal);
        Assert.Contains("got:hello", replayed, StringComparison.Ordinal);
        Assert.Contains("40 120", replayed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.27", "node-b")]
    [InlineData("1.33", "node-b")]
    [InlineData("1.33", "node-a")]
    public async Task ExecWithoutTerminal_Recorded_HoldsExactlyTheBytesThatCrossedEachChannel(string version, string node)
    {
        var marker = "rec-" + Guid.NewGuid().ToString("N")[..8];
        var input = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        using var stdout = new MemoryStream();
        var result = await Kubectl.Version(version).RunBinaryAsync(
            fixture.Environment, ["--context", "admin", "exec", "-i", "-n", "demo", SandboxPods.ExecPod(node), "--", "sh", "-c", $"cat; echo {marker} >&2"],
            input, stdout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(input, stdout.ToArray());

        var (_, lines) = await RecordingOfAsync(marker);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal("apiproxygateway.io/session", (string?)header["kind"]);
        Assert.False((bool)header["session"]!["tty"]!);
        var chunks = lines.Skip(1).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal(input, Channel(chunks, "stdin"));
        Assert.Equal(input, Channel(chunks, "stdout"));
        Assert.Equal($"{marker}\n", Encoding.UTF8.GetString(Channel(chunks, "stderr")));
        var end = chunks[^1]["end"]!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(input)), (string?)end["stdin"]!["sha256"]);
        Assert.Equal(input.Length, (long)end["stdout"]!["bytes"]!);
        Assert.Equal(input.Length, (long)end["stdout"]!["recordedBytes"]!);
    }

    /// <summary>The bytes recorded on <paramref name="channel"/>, in order.</summary>
    private static byte[] Channel(List<JsonObject> chunks, string channel) =>
        [.. chunks.Where(c => (string?)c["channel"] == channel && c["data"] is not null).SelectMany(c => Convert.FromBase64String((string)c["data"]!))];

    /// <summary>
    /// The recording of the exec whose command holds <paramref name="marker"/>: found through its ResponseComplete audit
    /// event, whose SHA-256 must be the file's. Returns the path and the lines.
    /// </summary>
    private async Task<(string Path, string[] Lines)> RecordingOfAsync(string marker)
    {
        JsonObject? completed = null;
        await TestWait.UntilAsync(
            () =>
            {
                completed = File.ReadLines(fixture.Host.AuditLogPath)
                    .Where(line => line.Contains(marker, StringComparison.Ordinal) && line.Contains("\"ResponseComplete\"", StringComparison.Ordinal) && line.EndsWith('}'))
                    .Select(line => JsonNode.Parse(line)!.AsObject())
                    .FirstOrDefault();
                return completed is not null;
            },
            "the exec's ResponseComplete audit event",
            TimeSpan.FromSeconds(30));
        var annotations = completed!["annotations"]!;
        var name = (string?)annotations["apiproxygateway.io/recording"];
        Assert.False(string.IsNullOrEmpty(name), $"the audit event names no recording: {completed}");
        var path = Path.Combine(fixture.Host.RecordingsDirectory, name);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal((string?)annotations["apiproxygateway.io/recording-sha256"], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        return (path, Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>What <c>asciinema cat</c> prints for the recording (it wants a terminal, so it gets one).</summary>
    private async Task<string> ReplayAsync(string asciinema, string path)
    {
        var start = new ProcessStartInfo(asciinema) { ArgumentList = { "cat", path } };
        var replay = TerminalKubectl.Start(start, new TerminalSize(120, 40), fixture.TestProcesses);
        try
        {
            Assert.Equal(0, await replay.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }
        finally
        {
            await replay.DisposeAsync(); // and its output read to the end
        }

        return replay.Output;
    }
}
