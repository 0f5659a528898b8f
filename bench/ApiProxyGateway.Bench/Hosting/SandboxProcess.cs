using System.Text.Json;
using ApiProxyGateway.Bench.Measure;

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

    public static async Task<SandboxProcess> StartAsync(string workDirectory, string scenario, IEnumerable<string> gatewayArguments)
    {
        var state = Path.Combine(workDirectory, "sandbox");
        var infoPath = Path.Combine(workDirectory, "sandbox-info.json");
        File.Delete(infoPath);
        var dll = typeof(SandboxProcess).Assembly.Location;
        string[] args = ["exec", dll, "sandbox", "--state", state, "--scenario", scenario, "--info", infoPath, .. gatewayArguments.SelectMany(a => new[] { "--gateway-arg", a })];
        var child = ChildProcess.Start(Pinning.Start(Pinning.ServerCores, Environment.ProcessPath ?? "dotnet", args), Path.Combine(workDirectory, "sandbox.log"));
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

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
