using System.Globalization;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary><c>workload logger</c>: writes "MESSAGE N" every interval (every Nth line to stderr), optionally exits after a count.</summary>
internal static class LoggerWorkload
{
    public static async Task<int> RunAsync(WorkloadArguments flags, CancellationToken stopping)
    {
        var interval = flags.Duration("interval", TimeSpan.FromSeconds(1));
        var count = flags.Int("count", 0);
        var exitCode = flags.Int("exit-code", 0);
        var stderrEvery = flags.Int("stderr-every", 0);
        var message = flags.String("message", "logger line");
        flags.RejectUnknown();
        var stdout = Console.Out;
        for (var line = 1; count == 0 || line <= count; line++)
        {
            var writer = stderrEvery > 0 && line % stderrEvery == 0 ? Console.Error : stdout;
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{message} {line}"));
            await writer.FlushAsync(stopping);
            if (count == 0 || line < count)
            {
                await Task.Delay(interval, stopping);
            }
        }

        return exitCode;
    }
}
