using System.Diagnostics;
using System.Globalization;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Bench.Reauthorization;
using ApiProxyGateway.Bench.Report;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    internal sealed partial class Run
    {
        /// <summary>
        /// 6. Re-authorizing open streams (issue 14). A sandbox of its own (many cheap pods, many users allowed to read
        /// their logs) whose gateway re-authorizes every open stream every <see cref="BenchSettings.ReauthorizationInterval"/>.
        /// Per mix: open its followed logs and prove each open, let a whole round pass over all of them, then watch
        /// <see cref="BenchSettings.ReauthorizationIntervals"/> rounds: the SubjectAccessReviews each interval sent, their
        /// peak rate over a second, how long a round took and the CPU of the gateway and of the sandbox (API server)
        /// meanwhile. Each interval is a round of the figures. No stream may end.
        /// </summary>
        private async Task ReauthorizationAsync()
        {
            var interval = settings.ReauthorizationInterval;
            var scenario = ReauthorizationScenario.Write(work, settings.ReauthorizationMixes.Max(m => m.Users), settings.ReauthorizationMixes.Max(m => m.Pods));
            string[] arguments = [.. GatewayArguments(), "--stream-reauthorization-interval", interval.ToString("c", CultureInfo.InvariantCulture)];
            Log($"reauth: starting a sandbox with {settings.ReauthorizationMixes.Max(m => m.Pods)} pods and {settings.ReauthorizationMixes.Max(m => m.Users)} users, re-authorizing every {interval.TotalSeconds:F0} s");
            await using var sandbox = await SandboxProcess.StartAsync(work, scenario, arguments);
            Notes.Add($"reauth: re-authorization every {interval.TotalSeconds:F0} s; affinity: gateway {Pinning.Affinity(sandbox.Info.GatewayProcessId)}, sandbox {Pinning.Affinity(sandbox.Info.SandboxProcessId)}");
            foreach (var mix in settings.ReauthorizationMixes)
            {
                // The gateway and the kubelet each hold a descriptor per followed log (the clients share HTTP/2 connections).
                if (mix.Streams + 2000 > FileLimit)
                {
                    Problems.Add($"reauth {mix.Name}: not measured, {mix.Streams} streams need more than the {FileLimit} descriptors a process may open here (ulimit -Hn)");
                    continue;
                }

                await ReauthorizationMixAsync(sandbox.Info, mix, interval);
            }
        }

        private async Task ReauthorizationMixAsync(SandboxInfo info, ReauthorizationMix mix, TimeSpan interval)
        {
            var what = $"reauth {mix.Name}";
            var roundPatience = interval * 3 + TimeSpan.FromSeconds(60);
            using var watch = new ReauthorizationWatch(info);
            await using var logs = new HeldLogs();
            var opening = Stopwatch.StartNew();
            using (var deadline = new CancellationTokenSource(settings.StepTimeout))
            {
                await logs.OpenAsync(info, mix, deadline.Token);
            }

            var proved = await watch.UntilAsync(_ => logs.Proved >= logs.Opened, TimeSpan.FromSeconds(60));
            Log($"{what}: {logs.Opened} of {mix.Streams} open ({logs.Failed} failed), {logs.Proved} proved open in {opening.Elapsed.TotalSeconds:F1} s");
            Samples.Add(new Sample("reauth", mix.Name, ArmNames.Gateway, "open and proved", "s", 1, opening.Elapsed.TotalSeconds));
            if (logs.Failed > 0 || !proved)
            {
                Problems.Add($"{what}: {logs.Failed} streams failed to open, {logs.Opened - logs.Proved} of {logs.Opened} not proved open; first error: {logs.FirstError}");
            }

            // A round that began after the last open covers every stream: wait for two to complete, then watch.
            var opened = watch.Points[^1];
            if (!await watch.UntilAsync(p => p.Rounds >= opened.Rounds + 2, roundPatience * 2))
            {
                Problems.Add($"{what}: the gateway completed no re-authorization round within {roundPatience.TotalSeconds * 2:F0} s");
                return;
            }

            var boundaries = new List<int> { watch.Points.Count - 1 };
            for (var round = 1; round <= settings.ReauthorizationIntervals; round++)
            {
                var target = watch.Points[boundaries[0]].Rounds + round;
                if (!await watch.UntilAsync(p => p.Rounds >= target, roundPatience))
                {
                    Problems.Add($"{what}: round {round} did not complete within {roundPatience.TotalSeconds:F0} s");
                    break;
                }

                boundaries.Add(watch.Points.Count - 1);
                AddInterval(mix, round, watch.Points, boundaries[^2], boundaries[^1]);
            }

            Samples.Add(new Sample("reauth", mix.Name, ArmNames.Gateway, "streams ended during the watch", "count", 1, logs.Ended));
            if (logs.Ended > 0)
            {
                Problems.Add($"{what}: {logs.Ended} of {logs.Opened} streams ended while they were still allowed");
            }
        }

        /// <summary>The figures of one interval, from the readings between two round completions.</summary>
        private void AddInterval(ReauthorizationMix mix, int round, List<ReauthorizationPoint> points, int from, int to)
        {
            var (a, b) = (points[from], points[to]);
            var reviews = b.Reviews - a.Reviews;
            var roundSeconds = (b.RoundSeconds - a.RoundSeconds) / Math.Max(1, b.Rounds - a.Rounds);
            double PeakPerSecond(Func<ReauthorizationPoint, double> value)
            {
                // Over windows of about a second: readings two periods apart.
                var peak = 0.0;
                for (var i = from; i + 2 <= to; i++)
                {
                    peak = Math.Max(peak, (value(points[i + 2]) - value(points[i])) / (points[i + 2].Seconds - points[i].Seconds));
                }

                return peak;
            }

            var peakReviews = PeakPerSecond(p => p.Reviews);
            var peakCpu = PeakPerSecond(p => p.GatewayCpu);
            void Add(string metric, string unit, double value) => Samples.Add(new Sample("reauth", mix.Name, ArmNames.Gateway, metric, unit, round, value));
            Add("SubjectAccessReviews per interval", "count", reviews);
            Add("peak SubjectAccessReviews/s", "per second", peakReviews);
            Add("round duration", "s", roundSeconds);
            Add("gateway CPU per interval", "CPU s", b.GatewayCpu - a.GatewayCpu);
            Add("gateway peak CPU", "share of a core", peakCpu);
            Add("sandbox CPU per interval", "CPU s", b.SandboxCpu - a.SandboxCpu);
            Log($"reauth {mix.Name} interval {round}: {reviews:F0} SubjectAccessReviews ({mix.Questions} distinct questions for {mix.Streams} streams), peak {peakReviews:F0}/s, round {roundSeconds:F2} s, gateway CPU {b.GatewayCpu - a.GatewayCpu:F2} s (peak {peakCpu:P0} of a core), sandbox CPU {b.SandboxCpu - a.SandboxCpu:F2} s over {b.Seconds - a.Seconds:F1} s");
        }
    }
}
