namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary><c>workload idle</c>: runs until stopped; echoes each stdin line back (for attach), then keeps idling after end-of-file.</summary>
internal static class IdleWorkload
{
    public static async Task<int> RunAsync(WorkloadArguments flags, CancellationToken stopping)
    {
        flags.RejectUnknown();
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        var buffer = new byte[4096];
        int read;
        while ((read = await stdin.ReadAsync(buffer, stopping)) > 0)
        {
            await stdout.WriteAsync(buffer.AsMemory(0, read), stopping);
            await stdout.FlushAsync(stopping);
        }

        await Task.Delay(Timeout.Infinite, stopping);
        return 0;
    }
}
