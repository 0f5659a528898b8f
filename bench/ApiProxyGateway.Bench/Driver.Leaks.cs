using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Leaks;
using ApiProxyGateway.Bench.Report;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    internal sealed partial class Run
    {
        /// <summary>
        /// Descriptors other than loaded assemblies (<see cref="Footprint"/>) the gateway may hold above its baseline
        /// once settled without that counting as a leak: a few
        /// upstream connections can come and go at rest (a SubjectAccessReview's pooled connection to the API server,
        /// a kubelet's) and the runtime opens some lazily. A leak of one descriptor per stream shows as thousands, one
        /// per thousand streams as 10 or more after a full run's 10,000 of a kind.
        /// </summary>
        public const int LeakDescriptorTolerance = 8;

        /// <summary>
        /// Threads above the baseline that are not a leak: thread-pool workers the pool has injected under load and not
        /// yet retired (an idle worker exits after 20 s; the settle waits longer, but the pool keeps a few by design).
        /// </summary>
        public const int LeakThreadTolerance = 4;

        private static readonly string[] ChurnKinds = ["exec", "port-forward"];

        /// <summary>
        /// 8. Nothing leaks (issue 16). A sandbox of its own, its gateway recording execs into the recorded namespace like
        /// the main one. Steps: a warm-up of each kind; the baseline (descriptors, threads, RSS of the gateway process
        /// once settled: <see cref="Settling"/>); then
        /// <see cref="BenchSettings.LeakStreams"/> execs opened and closed (<c>echo ok</c>, every other one into the
        /// recorded namespace), settle and read; then as many port-forwards (one byte echoed), settle and read. Each
        /// settle ends once descriptors and threads are settled back within tolerance of the baseline, or at
        /// <see cref="BenchSettings.LeakSettleLimit"/>: a figure still above then is reported as a leak.
        /// </summary>
        private async Task LeaksAsync(string scenario)
        {
            Log($"leaks: starting a sandbox; {settings.LeakWarmUp} streams of each kind to warm up, then {settings.LeakStreams} execs and {settings.LeakStreams} port-forwards, {settings.LeakConcurrency} at a time");
            await using var sandbox = await SandboxProcess.StartAsync(work, scenario, [.. GatewayArguments(), .. RecordingArguments()]);
            var gateway = new Topology(sandbox.Info).Kubelet(ArmNames.Gateway);
            var pid = sandbox.Info.GatewayProcessId;
            Func<int, CancellationToken, Task<string?>> Open(string kind) => kind == "exec" ? (i, token) => ExecOnceAsync(gateway, i, token) : (_, token) => PortForwardOnceAsync(gateway, token);

            foreach (var kind in ChurnKinds)
            {
                var warm = await StreamChurn.RunAsync(settings.LeakWarmUp, settings.LeakConcurrency, Open(kind));
                if (warm.Failed > 0)
                {
                    Problems.Add($"leaks warm-up {kind}: {warm.Failed} of {settings.LeakWarmUp} failed, first: {warm.FirstError}");
                }
            }

            var baseline = await Settling.WaitAsync(pid, settings.LeakQuiet, settings.LeakSettleLimit);
            var census = DescriptorCensus.Take(pid);
            AddFootprint("baseline", baseline);
            Log($"leaks: baseline {baseline.Footprint} ({(baseline.Settled ? "settled" : "still changing")} after {baseline.Waited.TotalSeconds:F0} s): {string.Join(", ", census.Select(k => $"{k.Value} {k.Key}"))}");
            if (!baseline.Settled)
            {
                Notes.Add($"leaks: the gateway's descriptors or threads were still moving by more than {Settling.Band} after {baseline.Waited.TotalSeconds:F0} s; the baseline is the floor of the last {settings.LeakQuiet.TotalSeconds:F0} s");
            }

            var recordings = RecordingFiles();
            foreach (var kind in ChurnKinds)
            {
                var churn = await StreamChurn.RunAsync(settings.LeakStreams, settings.LeakConcurrency, Open(kind));
                Samples.Add(new Sample("leaks", kind, ArmNames.Gateway, "streams opened and closed", "count", 1, churn.Completed));
                Samples.Add(new Sample("leaks", kind, ArmNames.Gateway, "streams failed", "count", 1, churn.Failed));
                Samples.Add(new Sample("leaks", kind, ArmNames.Gateway, "streams per second", "per second", 1, churn.Completed / churn.Seconds));
                if (kind == "exec")
                {
                    Samples.Add(new Sample("leaks", kind, ArmNames.Gateway, "recordings written", "count", 1, RecordingFiles() - recordings));
                }

                if (churn.Failed > 0)
                {
                    Problems.Add($"leaks {kind}: {churn.Failed} of {settings.LeakStreams} streams failed, first: {churn.FirstError}");
                }

                Log($"leaks: {churn.Completed} {kind} streams opened and closed in {churn.Seconds:F0} s ({churn.Failed} failed); now {Footprint.Of(pid)}; settling");
                var after = await Settling.WaitAsync(pid, settings.LeakQuiet, settings.LeakSettleLimit, f => WithinTolerance(f, baseline.Footprint));
                var changed = DescriptorCensus.Difference(census, DescriptorCensus.Take(pid));
                AddFootprint("after " + kind, after);
                Notes.Add($"leaks: descriptors after {kind} against the baseline: {(changed == "" ? "no change" : changed)}");
                Log($"leaks: after {kind}: {after.Footprint} ({(after.Settled ? "back at the baseline" : "NOT back at the baseline")} after {after.Waited.TotalSeconds:F0} s); descriptors against the baseline: {(changed == "" ? "no change" : changed)}");
                if (!after.Settled && !WithinTolerance(after.Footprint, baseline.Footprint))
                {
                    Problems.Add($"leaks: after {churn.Completed} {kind} streams opened and closed, the gateway holds {Delta(after.Footprint.OtherDescriptors - baseline.Footprint.OtherDescriptors)} descriptors other than assemblies ({changed}) and {Delta(after.Footprint.Threads - baseline.Footprint.Threads)} threads against its baseline ({baseline.Footprint}) {after.Waited.TotalSeconds:F0} s after the last one closed (tolerance +{LeakDescriptorTolerance} descriptors, +{LeakThreadTolerance} threads): a leak");
                }
            }
        }

        private static bool WithinTolerance(Footprint now, Footprint baseline) =>
            now.OtherDescriptors <= baseline.OtherDescriptors + LeakDescriptorTolerance && now.Threads <= baseline.Threads + LeakThreadTolerance;

        private static string Delta(int value) => value.ToString("+0;-0;0", CultureInfo.InvariantCulture);

        private void AddFootprint(string stage, SettledFootprint settled)
        {
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "open descriptors", "count", 1, settled.Footprint.Descriptors));
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "loaded assemblies", "count", 1, settled.Footprint.Assemblies));
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "descriptors other than assemblies", "count", 1, settled.Footprint.OtherDescriptors));
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "threads", "count", 1, settled.Footprint.Threads));
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "RSS", "MiB", 1, settled.Footprint.RssMebibytes));
            Samples.Add(new Sample("leaks", stage, ArmNames.Gateway, "settled after", "s", 1, settled.Waited.TotalSeconds));
        }

        private int RecordingFiles()
        {
            _recordings.Refresh();
            return _recordings.EnumerateFiles().Count();
        }

        /// <summary>One exec of <c>echo ok</c>, every other one into the recorded namespace; null when it printed <c>ok</c> and exited 0.</summary>
        private static async Task<string?> ExecOnceAsync(Endpoint gateway, int index, CancellationToken cancellationToken)
        {
            var ns = index % 2 == 0 ? BenchScenario.Namespace : BenchScenario.RecordedNamespace;
            var transfer = await NativeStreams.ExecAsync(gateway, StreamPaths.Exec("blob", "blob", ["echo", "ok"], ns), EchoOutput.Length, EchoSha, cancellationToken);
            return transfer.Verified ? null : transfer.Problem;
        }

        private static async Task<string?> PortForwardOnceAsync(Endpoint gateway, CancellationToken cancellationToken)
        {
            var (echo, _) = await NativeStreams.PortForwardEchoAsync(gateway, cancellationToken);
            return echo == '!' ? null : $"the echo was byte {echo}, not '!'";
        }

        private static readonly byte[] EchoOutput = Encoding.ASCII.GetBytes("ok\n");

        private static readonly string EchoSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(EchoOutput));
    }
}
