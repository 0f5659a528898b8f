using System.Globalization;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Idle;
using ApiProxyGateway.Bench.Report;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    // Scenario 3: idle streams held open, and the descriptor limit that caps how many.
    internal sealed partial class Run
    {
        /// <summary>
        /// An idle port-forward holds two descriptors in the gateway (client and kubelet connections), a followed log
        /// one (its HTTP/2 stream shares the client connection): the levels stop below the descriptor limit.
        /// </summary>
        private int[] IdleLevels(bool logs)
        {
            var limit = FileLimit;
            var cap = (limit - 2000) / (logs ? 1 : 2);
            var levels = settings.IdleLevels.Select(l => Math.Min(l, cap)).Distinct().ToArray();
            if (levels[^1] < settings.IdleLevels[^1])
            {
                Notes.Add($"idle {(logs ? "logs -f" : "port-forward")}: held at most {levels[^1]} streams, not {settings.IdleLevels[^1]}: each holds {(logs ? "one descriptor" : "two descriptors (client and kubelet connections)")} in the gateway{(logs ? "" : " and two in the sandbox's kubelet")}, and a process may open {limit} here (ulimit -Hn; bench/run raises the soft limit to the hard one, and only a process with CAP_SYS_RESOURCE can raise the hard one)");
            }

            return levels;
        }

        /// <summary>Descriptors a process may open here, as bench/run raised the limit (<c>ulimit -n</c>).</summary>
        private static int FileLimit =>
            int.TryParse(Environment.GetEnvironmentVariable("BENCH_FILE_LIMIT"), CultureInfo.InvariantCulture, out var n) ? n : 20000;

        private async Task IdleRoundAsync(Topology topology, int round, bool logs)
        {
            await using var idle = new IdleStreams(topology, settings.QuietInterval, settings.Smoke ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(3));
            var levels = IdleLevels(logs);
            var result = logs ? await idle.LogsAsync(levels, m => Log($"idle r{round} {m}")) : await idle.PortForwardsAsync(levels, m => Log($"idle r{round} {m}"));
            {
                var opened = result.Opened;
                Samples.Add(new Sample("idle", result.Kind, ArmNames.Gateway, "memory per stream", "KiB", round, result.BytesPerStream / 1024));
                Samples.Add(new Sample("idle", result.Kind, ArmNames.Gateway, "streams open", "count", round, opened));
                Samples.Add(new Sample("idle", result.Kind, ArmNames.Gateway, "streams proved open", "count", round, result.ProvedOpen));
                foreach (var (streams, rss) in result.Points)
                {
                    Samples.Add(new Sample("idle", result.Kind, ArmNames.Gateway, $"RSS @{streams}", "MiB", round, rss / 1048576.0));
                }

                if (result.Failed > 0 || result.ProvedOpen < opened)
                {
                    Problems.Add($"idle r{round} {result.Kind}: {result.Failed} failed to open, {opened - result.ProvedOpen} of {opened} not proved open; first error: {result.FirstError}");
                }
            }
        }
    }
}
