using System.Diagnostics;
using System.Text.Json;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// An official Kubernetes client library driven by a small script in <c>Clients/LANGUAGE/</c>: Debian's
/// <c>python3-kubernetes</c> and npm's <c>@kubernetes/client-node</c> (pinned in <c>Clients/javascript/package.json</c>,
/// installed beside it by <c>.ci/run</c>). A script is run as <c>DRIVER OPERATION JSON-ARGUMENTS</c> with
/// <c>KUBECONFIG</c> and <c>KUBE_CONTEXT</c> set; it prints progress lines and ends with one JSON line, its result.
/// When the interpreter or the library is missing the test fails and says how to install it.
/// </summary>
public sealed class OfficialClient
{
    private static readonly Lazy<string> SourceRoot = new(() => Path.Combine(Repository.Root, "tests", "ApiProxyGateway.EndToEndTests", "Clients"));
    private static readonly Lazy<string?> PythonWithKubernetes = new(FindPython);

    private readonly string _interpreter;
    private readonly string _script;

    private OfficialClient(string name, string interpreter, string script)
    {
        Name = name;
        _interpreter = interpreter;
        _script = script;
    }

    public string Name { get; }

    /// <summary>The Python client (Debian's python3-kubernetes), with the first python3 that can import it.</summary>
    public static OfficialClient Python => new(
        "python",
        PythonWithKubernetes.Value ?? throw new InvalidOperationException("No python3 on PATH (or /usr/bin/python3) can import the kubernetes package: install Debian's python3-kubernetes (apt-get install python3-kubernetes), as .ci/run does."),
        Path.Combine(SourceRoot.Value, "python", "driver.py"));

    /// <summary>The JavaScript client (@kubernetes/client-node, pinned), run with the node on PATH.</summary>
    public static OfficialClient JavaScript
    {
        get
        {
            var folder = Path.Combine(SourceRoot.Value, "javascript");
            var node = HostTool.Require("node", "the JavaScript client tests need Node.js 20 or later.");
            return Directory.Exists(Path.Combine(folder, "node_modules", "@kubernetes", "client-node"))
                ? new OfficialClient("javascript", node, Path.Combine(folder, "driver.mjs"))
                : throw new InvalidOperationException($"@kubernetes/client-node is not installed: run `npm ci --prefix {folder}`, as .ci/run does.");
        }
    }

    /// <summary>
    /// Runs one operation to its end, killing it after <paramref name="timeout"/> (<see cref="TestWait.OperationTimeout"/>,
    /// longer than every step the drivers bound themselves: 10 s without an answer counts as a stall there).
    /// </summary>
    public async Task<ClientRun> RunAsync(KubectlEnvironment environment, string context, string operation, object? arguments = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await using var process = Start(environment, context, operation, arguments);
        var exited = await process.WaitForExitAsync(timeout ?? TestWait.OperationTimeout, cancellationToken);
        return new ClientRun(process.Command, exited, exited ? process.ExitCode : -1, process.Output, process.Error); // a script still running has no exit code: ClientRun says it timed out
    }

    /// <summary>Starts a long-running operation (a watch, a port-forward) whose progress lines can be awaited; dispose to kill it.</summary>
    public KubectlProcess Start(KubectlEnvironment environment, string context, string operation, object? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var json = JsonSerializer.Serialize(arguments ?? new { });
        var start = new ProcessStartInfo(_interpreter)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(operation);
        start.ArgumentList.Add(json);
        start.Environment["KUBECONFIG"] = environment.KubeconfigPath;
        start.Environment["KUBE_CONTEXT"] = context;
        start.Environment["PYTHONUNBUFFERED"] = "1";
        return KubectlProcess.Start(start, $"{Name} {operation} {json} (context {context})");
    }

    public override string ToString() => Name;

    private static string? FindPython()
    {
        // Debian's python3-kubernetes belongs to /usr/bin/python3, which another python3 earlier on PATH may hide.
        var candidates = HostTool.FindAll("python3").Append("/usr/bin/python3").Where(File.Exists).Distinct(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import kubernetes"]) { UseShellExecute = false, RedirectStandardError = true });
            if (probe is not null && probe.WaitForExit(TimeSpan.FromSeconds(30)) && probe.ExitCode == 0)
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>How a client script ended: <see cref="Result"/> is its last stdout line, parsed as JSON.</summary>
public sealed record ClientRun(string Command, bool Exited, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => Exited && ExitCode == 0;

    /// <summary>The result line; fails the test with the whole output when there is none.</summary>
    public JsonElement Result
    {
        get
        {
            var last = StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            try
            {
                return last is null ? throw new JsonException("no output") : JsonDocument.Parse(last).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{Command} printed no JSON result ({e.Message}).{Environment.NewLine}{this}", e);
            }
        }
    }

    public override string ToString() =>
        $"{Command}: {(Exited ? $"exit {ExitCode}" : "timed out (killed)")}{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}";
}
