using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Gateway;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Bench.Hosting;

/// <summary>
/// <c>sandbox --state DIR --scenario FILE --info FILE [--egress grpc|http-connect] [--replicas N --roll-result FILE]
/// [--gateway-arg ARG]…</c>: runs the sandbox (and so the gateway and the pods) in its own process, which the driver
/// pins to the server core; writes <see cref="SandboxInfo"/> when every pod is ready and stays up until SIGTERM. With
/// <c>--egress</c> the node sits behind a konnectivity-agent and the gateway reaches it through konnectivity-server's
/// Unix domain socket. With <c>--replicas</c> N gateways run behind HAProxy, and each roll request (a file beside the roll result) rolls them once, writing
/// what each step took (<see cref="ReplicaReplacement"/>s, JSON) to the roll-result file.
/// </summary>
internal static class SandboxChild
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? state = null, scenario = null, info = null;
        EgressProtocol? egress = null;
        var replicas = 1;
        string? rollResult = null;
        var gatewayArgs = new List<string>();
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--state": state = args[i + 1]; break;
                case "--scenario": scenario = args[i + 1]; break;
                case "--info": info = args[i + 1]; break;
                case "--gateway-arg": gatewayArgs.Add(args[i + 1]); break;
                case "--egress": egress = EgressFlag(args[i + 1]); break;
                case "--replicas": replicas = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--roll-result": rollResult = args[i + 1]; break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }

        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(info);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        await using var host = await SandboxHost.StartAsync(new SandboxOptions
        {
            StateDirectory = state,
            ScenarioFile = scenario,
            AddressBlock = null,
            ExtraGatewayArguments = gatewayArgs,
            GatewayStartTimeout = TimeSpan.FromSeconds(90),
            Egress = egress,
            EgressTransport = EgressTransport.Uds,
            GatewayReplicas = replicas,
        });
        var rolls = rollResult is null ? Task.CompletedTask : RollOnRequest(host, rollResult, stop.Token);
        var pods = await WaitForPodsAsync(host, stop.Token);
        var node = BenchScenario.Node;
        var result = new SandboxInfo
        {
            Block = host.AddressPlan.Block,
            SandboxProcessId = Environment.ProcessId,
            GatewayProcessId = host.GatewayProcessId ?? 0,
            StateDirectory = host.StateDirectory,
            Kubeconfig = host.KubeconfigPath,
            ApiServerAddress = host.AddressPlan.ApiServerAddress.ToString(),
            GatewayAddress = host.AddressPlan.GatewayAddress.ToString(),
            KubeletAddress = host.KubeletUrl(node).Host,
            NodeName = node,
            PodIps = pods,
        };
        await File.WriteAllTextAsync(info + ".tmp", JsonSerializer.Serialize(result));
        File.Move(info + ".tmp", info, overwrite: true);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await rolls;
        }
        catch (OperationCanceledException)
        {
            // stopped in the middle of a roll: the driver is going away too
        }

        return 0;
    }

    /// <summary>The file whose appearance asks the child to roll its replicas once (see <see cref="RollOnRequest"/>).</summary>
    public static string RollRequestPath(string resultPath) => resultPath + ".request";

    /// <summary>
    /// Each time <see cref="RollRequestPath"/> appears, rolls the replicas once (one roll at a time), deletes the request
    /// and writes the steps to <paramref name="resultPath"/>. A file and not a signal: SIGHUP, the first trigger, is
    /// ignored for good by a .NET process whose parent ignored it (a run started with nohup), and the roll then never came.
    /// </summary>
    private static Task RollOnRequest(SandboxHost host, string resultPath, CancellationToken stop) => Task.Run(async () =>
    {
        var request = RollRequestPath(resultPath);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!File.Exists(request))
            {
                continue;
            }

            File.Delete(request);
            object result;
            try
            {
                result = new { Steps = await host.RollGatewaysAsync(stop) };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = new { Error = e.Message };
            }

            await File.WriteAllTextAsync(resultPath + ".tmp", JsonSerializer.Serialize(result), CancellationToken.None);
            File.Move(resultPath + ".tmp", resultPath, overwrite: true);
        }
    }, stop);

    /// <summary>The sandbox's own spelling of <c>--egress</c>.</summary>
    public static string EgressFlag(EgressProtocol egress) => egress switch
    {
        EgressProtocol.Grpc => "grpc",
        EgressProtocol.HttpConnect => "http-connect",
        _ => throw new ArgumentOutOfRangeException(nameof(egress), egress, null),
    };

    private static EgressProtocol EgressFlag(string value) =>
        Enum.GetValues<EgressProtocol>().Where(e => EgressFlag(e) == value).Select(e => (EgressProtocol?)e).FirstOrDefault()
        ?? throw new ArgumentException($"--egress {value}: grpc or http-connect");

    private static async Task<Dictionary<string, string>> WaitForPodsAsync(SandboxHost host, CancellationToken cancellationToken)
    {
        using var client = host.CreateApiServerClient("admin");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            // Every namespace's pods must be ready (the recorded namespace's blob too); the addresses are the demo namespace's.
            var list = JsonNode.Parse(await client.GetStringAsync("/api/v1/pods", cancellationToken))!; // ! the API server always answers a list
            var pods = list["items"]!.AsArray().Select(p => p!).ToList(); // ! items is always present
            var ready = pods.All(p => p["status"]?["containerStatuses"]?.AsArray().All(c => c?["ready"]?.GetValue<bool>() == true) == true);
            if (ready && pods.Count > 0)
            {
                return pods.Where(p => p["metadata"]!["namespace"]!.GetValue<string>() == BenchScenario.Namespace) // ! a pod has metadata and a namespace
                    .ToDictionary(p => p["metadata"]!["name"]!.GetValue<string>(), p => p["status"]!["podIP"]!.GetValue<string>()); // ! a ready pod has a name and an IP
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the benchmark's pods did not become ready within 2 minutes: " + list.ToJsonString());
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
