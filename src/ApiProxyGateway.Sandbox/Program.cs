using System.Runtime.InteropServices;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Workloads;

// "workload KIND …": the sandbox's own binary runs a container's program (see Workloads/).
if (args is ["workload", .. var workload])
{
    return await WorkloadProgram.RunAsync(workload);
}

// The sandbox: a simulated cluster with the gateway in front. Everything lives in SandboxHost; this is the shell.
var commandLine = SandboxCommandLine.Parse(args);
if (commandLine.Help || commandLine.Error is not null)
{
    if (commandLine.Error is not null)
    {
        await Console.Error.WriteLineAsync($"error: {commandLine.Error}");
    }

    await Console.Error.WriteLineAsync(SandboxCommandLine.Usage);
    return commandLine.Error is null ? 0 : 2;
}

if (commandLine.PrintDefaultScenario)
{
    Console.Write(ScenarioLoader.DefaultScenarioText());
    return 0;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss ";
    })
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
    .AddFilter("Microsoft.Hosting", LogLevel.Warning)
    .AddFilter("Grpc", LogLevel.Warning)); // konnectivity's streams end by reset as often as not; the sandbox logs what matters
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

try
{
    await using var host = await SandboxHost.StartAsync(commandLine.Options, loggerFactory, stop.Token);
    Console.WriteLine(ReadyBanner.For(host, commandLine.Roll));
    while (commandLine.Roll && !stop.IsCancellationRequested)
    {
        // Each step is logged as it happens: the new replica in rotation, the old one out of it, drained and gone.
        await Task.Delay(SandboxCommandLine.RollPause, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!stop.IsCancellationRequested)
        {
            await host.RollGatewaysAsync(stop.Token);
        }
    }

    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}
catch (ScenarioException e)
{
    await Console.Error.WriteLineAsync($"error: invalid scenario: {e.Message}");
    return 1;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException or IOException)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
