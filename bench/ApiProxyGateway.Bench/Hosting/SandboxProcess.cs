using System.Text;
using System.Text.Json;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Sandbox.Gateway;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Bench.Hosting;

/// <summary>The driver's handle on the sandbox child: started on the server core, ready once it wrote its info file.</summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;

    private SandboxProcess(ChildProcess child, SandboxInfo info)
    {
        _child = child;
        Info = info;
    }

    public SandboxInfo Info { get; }

    /// <summary>
    /// Starts a sandbox with its state in WORK/sandbox, or with <paramref name="egress"/> in WORK/sandbox-grpc or
    /// WORK/sandbox-http-connect (its node behind a konnectivity-agent), so one of each kind may run at once.
    /// </summary>
    public static async Task<SandboxProcess> StartAsync(string workDirectory, string scenario, IEnumerable<string> gatewayArguments, EgressProtocol? egress = null, int replicas = 1)
    {
        var name = egress is { } e ? "sandbox-" + SandboxChild.EgressFlag(e) : replicas > 1 ? "sandbox-replicas" : "sandbox";
        var state = Path.Combine(workDirectory, name);
        if (egress is not null && Encoding.UTF8.GetByteCount(KonnectivityPlane.SocketPathIn(state)) > KonnectivityPlane.MaximumSocketPathLength)
        {
            // konnectivity-server's socket lives in the state directory, and a Unix socket path has at most 107 bytes.
            state = Directory.CreateTempSubdirectory("apg-bench-").FullName;
        }

        var infoPath = Path.Combine(workDirectory, name + "-info.json");
        File.Delete(infoPath);
        var dll = typeof(SandboxProcess).Assembly.Location;
        string[] args =
        [
            "exec", dll, "sandbox", "--state", state, "--scenario", scenario, "--info", infoPath,
            .. egress is { } protocol ? ["--egress", SandboxChild.EgressFlag(protocol)] : Array.Empty<string>(),
            .. replicas > 1 ? ["--replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), "--roll-result", RollResultPath(workDirectory)] : Array.Empty<string>(),
            .. gatewayArguments.SelectMany(a => new[] { "--gateway-arg", a }),
        ];
        var child = ChildProcess.Start(Pinning.Start(Pinning.ServerCores, Environment.ProcessPath ?? "dotnet", args), Path.Combine(workDirectory, name + ".log"));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!File.Exists(infoPath))
        {
            if (child.HasExited || DateTime.UtcNow > deadline)
            {
                var tail = child.Tail(40);
                await child.DisposeAsync();
                throw new InvalidOperationException($"the sandbox did not start; last lines of its log:\n{tail}");
            }

            await Task.Delay(200);
        }

        var info = JsonSerializer.Deserialize<SandboxInfo>(await File.ReadAllTextAsync(infoPath))!; // ! written whole by the child (moved into place)
        Pinning.Pin(info.GatewayProcessId, Pinning.ServerCores);
        return new SandboxProcess(child, info);
    }

    /// <summary>
    /// With replicas: rolls them once (a roll request file the sandbox child watches; it writes the steps when the roll is over) and
    /// returns each replica's replacement.
    /// </summary>
    public async Task<IReadOnlyList<ReplicaReplacement>> RollAsync(string workDirectory, TimeSpan timeout)
    {
        var result = RollResultPath(workDirectory);
        File.Delete(result);
        await File.WriteAllTextAsync(SandboxChild.RollRequestPath(result), "roll");
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(result))
        {
            if (_child.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the roll did not finish within {timeout}; last lines of the sandbox's log:\n{_child.Tail(20)}");
            }

            await Task.Delay(200);
        }

        var outcome = JsonSerializer.Deserialize<RollOutcome>(await File.ReadAllTextAsync(result))!; // ! written whole by the child (moved into place)
        return outcome.Error is { } error ? throw new InvalidOperationException($"the roll failed: {error}") : outcome.Steps ?? [];
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();

    private static string RollResultPath(string workDirectory) => Path.Combine(workDirectory, "sandbox-replicas-roll.json");

    private sealed record RollOutcome(IReadOnlyList<ReplicaReplacement>? Steps, string? Error);
}
