using System.Net.Sockets;
using System.Text.RegularExpressions;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// README.md's "Two commands", run as written: the sandbox command from a repository root, then the kubectl commands
/// with KUBECONFIG exported as the README exports it; and the README's test command is the one CI runs. Every command
/// is read from the README, so the README cannot change without this test following.
/// </summary>
/// <remarks>
/// As written, the sandbox runs from this checkout's root, finds the build <c>dotnet test</c> has just brought up to date,
/// keeps its state in the root's <c>.sandbox</c> and listens on the default block 127.10.0.0/16. Other tests use neither
/// (they take random blocks in 20–250 and temporary state folders), so they cannot collide with it; the other test that
/// runs dotnet in the checkout runs apart (<see cref="SourceBuilds"/>). A developer's own sandbox can collide, and the
/// sandbox writes its state (a new PKI and kubeconfig) before it binds a port: so the test first makes sure no sandbox
/// runs from this checkout (the servers its <c>.sandbox/kubeconfig</c> names refuse connections; otherwise it fails
/// saying so, having touched nothing), waits for block 10 to be free (a sandbox of another checkout may hold it), and
/// keeps an existing <c>.sandbox</c> aside while it runs, putting it back afterwards. A copy of the sources would
/// isolate the state as well, but would cost a whole build of the sandbox and the gateway: minutes on a busy two-core machine.
/// </remarks>
[Collection(SourceBuilds.Name)]
public sealed partial class ReadmeTests
{
    private static readonly string[] TestCommand = ["dotnet", "test", "ApiProxyGateway.sln"];

    [Fact]
    public async Task TwoCommands_RunAsWrittenFromTheRepositoryRoot_ServeKubectlThroughTheGateway()
    {
        var (sandboxCommand, export, kubectlLines) = ReadTwoCommands();
        var interactive = Assert.Single(kubectlLines, line => line.Contains(" exec -it ", StringComparison.Ordinal));
        var state = Path.Combine(Repository.Root, ".sandbox");
        await AssertNoSandboxRunsFromAsync(state);
        var block = new AddressPlan(AddressPlan.DefaultInteractiveBlock);
        await TestWait.UntilAsync(
            async token => !await AcceptsConnectionsAsync(block.ApiServerEndPoint, token),
            $"{block.ApiServerEndPoint} is free: a sandbox started from the README's command in another checkout holds the default block {block.Network}",
            TestWait.OperationTimeout,
            TestContext.Current.CancellationToken);
        var keptAside = Directory.Exists(state) ? $"{state}.kept-by-{nameof(ReadmeTests)}-{Guid.NewGuid():N}" : null;
        if (keptAside is not null)
        {
            Directory.Move(state, keptAside);
        }

        var cache = Directory.CreateTempSubdirectory("apg-readme-kube-cache-").FullName;
        var terminals = new ProcessRegistry();
        try
        {
            // The first command, as a developer types it in the repository root; it prints "ready:" once everything listens.
            await using var sandbox = KubectlProcess.Start(Repository.Command(["sh", "-c", sandboxCommand], Repository.Root), sandboxCommand);
            await sandbox.WaitForLineAsync(line => line.StartsWith("ready:", StringComparison.Ordinal), TestWait.BuildTimeout, TestContext.Current.CancellationToken);

            // Then, in another terminal: the export and each kubectl command, through a shell in the repository root.
            foreach (var line in kubectlLines.Where(line => line != interactive && !RunsUntilInterrupted(line)))
            {
                await using var kubectl = KubectlProcess.Start(Shell(export, line, cache), line);
                Assert.True(await kubectl.WaitForExitAsync(TestWait.OperationTimeout, TestContext.Current.CancellationToken), $"{line} did not end.{Environment.NewLine}{kubectl}");
                if (line.Contains("Forbidden", StringComparison.Ordinal))
                {
                    Assert.True(kubectl.ExitCode == 1, $"{line} was expected to be refused.{Environment.NewLine}{kubectl}");
                    Assert.Contains("Error from server (Forbidden)", kubectl.Error, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(kubectl.ExitCode == 0 && kubectl.Output.Length > 0, $"{line} failed.{Environment.NewLine}{kubectl}");
                }
            }

            // The interactive exec, on a terminal of its own: a shell in the pod runs what is typed.
            await using var terminal = TerminalKubectl.Start(Shell(export, interactive, cache), new TerminalSize(120, 40), terminals);
            await terminal.TypeAsync("echo readme-$((6 * 7))\r");
            await terminal.WaitForAsync(output => output.Contains("readme-42", StringComparison.Ordinal), TestWait.OperationTimeout);
            await terminal.TypeAsync("exit\r");
            Assert.Equal(0, await terminal.Exited.WaitAsync(TestWait.OperationTimeout, TestContext.Current.CancellationToken));
        }
        finally
        {
            await terminals.KillAllAsync();
            Directory.Delete(cache, recursive: true);
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }

            if (keptAside is not null)
            {
                Directory.Move(keptAside, state);
            }
        }
    }

    [Fact]
    public void TestCommand_IsWhatCiRuns_WithOnlyReportingAndHangGuardsAdded()
    {
        var readme = Assert.Single(Blocks(TwoCommandsSection()), block => block.Contains("dotnet test", StringComparison.Ordinal));
        Assert.Equal(TestCommand, Words(Assert.Single(Lines(readme))));

        // .ci/run's one `dotnet test`, continuation lines joined: the README's command, then options that only report or guard.
        var script = File.ReadAllText(Path.Combine(Repository.Root, ".ci", "run")).Replace("\\\n", " ", StringComparison.Ordinal);
        var invocation = Assert.Single(script.Split('\n'), line => !line.TrimStart().StartsWith('#') && DotnetTestAt(Words(line)) >= 0);
        var words = Words(invocation);
        var command = words.Skip(DotnetTestAt(words)).ToList();
        var options = command.Skip(TestCommand.Length).ToList();
        Assert.Equal(TestCommand, command.Take(TestCommand.Length));
        Assert.True(options.Count % 2 == 0, $"every option of CI's dotnet test takes one value: {invocation}");
        Assert.All(options.Where((_, index) => index % 2 == 0), option =>
            Assert.Contains(option, new[] { "--logger", "--results-directory", "--blame-hang-timeout", "--blame-hang-dump-type" }));
    }

    /// <summary>The sandbox command, the KUBECONFIG export and the kubectl commands (comments kept) of the README's "Two commands".</summary>
    private static (string Sandbox, string Export, List<string> Kubectl) ReadTwoCommands()
    {
        var blocks = Blocks(TwoCommandsSection());
        Assert.True(blocks.Count >= 2, "README.md's \"Two commands\" has the sandbox command and the commands to try");
        var sandbox = Assert.Single(Lines(blocks[0]));
        Assert.StartsWith("dotnet run --project src/ApiProxyGateway.Sandbox", sandbox, StringComparison.Ordinal);
        var tryThese = Lines(blocks[1]);
        Assert.Matches(@"^export KUBECONFIG=\$PWD/\S+$", tryThese[0]);
        return (sandbox, tryThese[0], [.. tryThese.Where(line => line.StartsWith("kubectl ", StringComparison.Ordinal))]);
    }

    /// <summary>Commands that run until interrupted (a followed log, a port-forward): LogsTests and PortForwardTests run those.</summary>
    private static bool RunsUntilInterrupted(string line) =>
        line.Contains(" -f ", StringComparison.Ordinal) || line.Contains(" port-forward ", StringComparison.Ordinal);

    /// <summary>
    /// <c>sh -c</c> with the README's export and one of its commands, in the repository root. kubectl's discovery cache
    /// goes to <paramref name="cache"/> rather than to ~/.kube, which the README's commands leave to the user.
    /// </summary>
    private static System.Diagnostics.ProcessStartInfo Shell(string export, string line, string cache)
    {
        var start = Repository.Command(["sh", "-c", export + "\n" + line], Repository.Root);
        start.Environment["KUBECACHEDIR"] = cache;
        return start;
    }

    /// <summary>Fails, touching nothing, when a sandbox runs from <paramref name="state"/>: one of the servers its kubeconfig names accepts connections.</summary>
    private static async Task AssertNoSandboxRunsFromAsync(string state)
    {
        var kubeconfig = Path.Combine(state, "kubeconfig");
        if (!File.Exists(kubeconfig))
        {
            return;
        }

        foreach (var server in ServerLine().Matches(await File.ReadAllTextAsync(kubeconfig, TestContext.Current.CancellationToken)).Select(match => new Uri(match.Groups[1].Value)))
        {
            var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(server.Host), server.Port);
            Assert.False(
                await AcceptsConnectionsAsync(endPoint, TestContext.Current.CancellationToken),
                $"A sandbox started from this checkout is running (it answers at {server}, named by {kubeconfig}): stop it to run this test, whose sandbox would overwrite its state.");
        }
    }

    private static string TwoCommandsSection()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf("\n## Two commands\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has a \"## Two commands\" section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static List<string> Blocks(string markdown) => [.. ShellBlock().Matches(markdown).Select(match => match.Groups[1].Value)];

    private static List<string> Lines(string block) => [.. block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>A command line's words as a POSIX shell splits them (quotes removed), enough for .ci/run's plain commands.</summary>
    private static List<string> Words(string line) => [.. Word().Matches(line).Select(match => match.Value.Replace("\"", "", StringComparison.Ordinal))];

    /// <summary>Where the words <c>dotnet test</c> start, or -1.</summary>
    private static int DotnetTestAt(List<string> words)
    {
        var at = words.IndexOf("dotnet");
        return at >= 0 && at + 1 < words.Count && words[at + 1] == "test" ? at : -1;
    }

    private static async Task<bool> AcceptsConnectionsAsync(System.Net.IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(endPoint.AddressFamily);
        try
        {
            await client.ConnectAsync(endPoint, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^\s*server: (https://\S+)$", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"(?:""[^""]*""|[^\s""])+")]
    private static partial Regex Word();
}
