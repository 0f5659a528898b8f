using System.Net;
using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// How tests start a sandbox: on a random 127.B block (parallel runs never collide), with its state in the test's own
/// folder and, when the gateway runs, <see cref="TestWait.OperationTimeout"/> for it to start listening (not the
/// interactive 30 s: CI runs every suite at once on two cores); then until the gateway is ready.
/// </summary>
internal static class TestSandbox
{
    /// <summary>Options with the gateway started with <paramref name="gatewayArguments"/>, or no gateway when they are null.</summary>
    public static SandboxOptions Options(string stateDirectory, IReadOnlyList<string>? gatewayArguments) => new()
    {
        StateDirectory = stateDirectory,
        AddressBlock = null,
        StartGateway = gatewayArguments is not null,
        ExtraGatewayArguments = gatewayArguments ?? [],
        GatewayStartTimeout = TestWait.OperationTimeout,
    };

    /// <summary>Starts the sandbox and, if it runs the gateway, waits until the gateway is ready; stops it again if that never happens.</summary>
    public static async Task<SandboxHost> StartAsync(SandboxOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = await SandboxHost.StartAsync(options, cancellationToken);
        try
        {
            // Replicas are each ready, and in the balancer's rotation, when the sandbox returns.
            if (options.StartGateway && options.GatewayReplicas == 1)
            {
                await WaitUntilGatewayReadyAsync(host, cancellationToken);
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Until the gateway's <c>/readyz</c> answers 200 (caches synced, API server reachable). The sandbox returns once the
    /// gateway's API port accepts connections; its operations port may not listen yet then, which only means "ask again".
    /// </summary>
    private static async Task WaitUntilGatewayReadyAsync(SandboxHost host, CancellationToken cancellationToken)
    {
        using var operations = new HttpClient { BaseAddress = host.AddressPlan.GatewayOperationsUrl, Timeout = TimeSpan.FromSeconds(10) };
        await TestWait.UntilReachableAsync(
            async token =>
            {
                using var response = await operations.GetAsync("/readyz", token);
                return response.StatusCode == HttpStatusCode.OK;
            },
            $"the gateway's {operations.BaseAddress}readyz answers 200",
            TestWait.OperationTimeout,
            cancellationToken,
            () => $"The gateway's log ({host.GatewayLogPath}) ends with:{Environment.NewLine}{LastLines(host.GatewayLogPath, 20)}");
    }

    private static string LastLines(string path, int count)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(count));
        }
        catch (IOException e)
        {
            return $"(could not read it: {e.Message})";
        }
    }
}
