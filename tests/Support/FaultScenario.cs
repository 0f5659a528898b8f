using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// A sandbox scenario with two healthy nodes (<c>legacy</c>; <c>modern</c> declares ExtendWebSocketsToKubelet) and
/// one node per kubelet fault, each running a logger pod <c>on-&lt;node&gt;</c>; users admin, getter (get pods/exec)
/// and creator (create pods/exec). Shared by the integration and end-to-end tests. The static part, the fault nodes'
/// settings included, is <c>Scenarios/fault-scenario.yaml</c>; the fault nodes' Node objects and pods are generated
/// from <see cref="FaultNodes"/>, the list the tests' theories run over, so the two cannot drift apart.
/// </summary>
public static class FaultScenario
{
    public static readonly string[] FaultNodes = ["self-signed", "expired", "unknown-ca", "wrong-san", "wrong-cn", "down", "slow", "slow-handshake", "hostname-first"];

    /// <summary>The whole scenario: the file, then a Node and a logger pod <c>on-&lt;node&gt;</c> (in <c>demo</c>) per fault node.</summary>
    public static string Text() =>
        ScenarioFile.Read("fault-scenario.yaml")
        + string.Concat(FaultNodes.Select(n => $"---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {n}\n"))
        + string.Concat(FaultNodes.Select(n =>
            $"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: on-{n}\n  namespace: demo\nspec:\n  nodeName: {n}\n  containers:\n  - name: main\n    command: [workload, logger, --interval=100ms, --message=talk]\n"));

    /// <summary>
    /// Starts a sandbox on this scenario in <paramref name="directory"/> (the scenario file and the state go there) on a
    /// random address block, with the gateway started with <paramref name="gatewayArguments"/> and ready, or with no
    /// gateway when they are null; <paramref name="customize"/> changes the rest of the options (every node behind
    /// Konnectivity, say).
    /// </summary>
    public static async Task<SandboxHost> StartSandboxAsync(string directory, IReadOnlyList<string>? gatewayArguments, Func<SandboxOptions, SandboxOptions>? customize = null)
    {
        Directory.CreateDirectory(directory);
        var scenario = Path.Combine(directory, "scenario.yaml");
        await File.WriteAllTextAsync(scenario, Text());
        var options = TestSandbox.Options(Path.Combine(directory, "state"), gatewayArguments) with { ScenarioFile = scenario };
        return await TestSandbox.StartAsync(customize is null ? options : customize(options), TestContext.Current.CancellationToken);
    }
}
