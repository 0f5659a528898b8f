using System.Diagnostics;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// Runs the gateway from the build output next to the test binaries until it exits by itself, as it does when it
/// refuses its configuration, and returns its exit code and standard error. Within <see cref="TestWait.OperationTimeout"/>;
/// the process is killed if it is still running then.
/// </summary>
internal static class GatewayRun
{
    public static async Task<(int ExitCode, string Stderr)> UntilExitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApiProxyGateway.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!; // ! Start returns null only for shell execution
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestWait.OperationTimeout, TestContext.Current.CancellationToken);
            return (process.ExitCode, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
