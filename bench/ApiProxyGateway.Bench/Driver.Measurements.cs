using System.Diagnostics;
using System.Globalization;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Bench.Report;
using ApiProxyGateway.Bench.Streams;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    // How a scenario takes one measurement and turns it into samples and problems.
    internal sealed partial class Run
    {
        /// <summary>
        /// Open-loop requests at a fixed rate: percentiles, the load generator's share, the proxy's CPU per 1000 requests.
        /// Steps: wait for the server side to go quiet after the previous measurement; run with at most a second's
        /// worth of requests in flight, sampling the cores and the kernel's TCP counters; read the timeline for a stall
        /// (<see cref="StallAnalysis"/>). A flagged round's percentiles stay in the raw data, out of the medians, and
        /// the round is named with what the measurements say of its cause (its timeline goes to WORK/timelines).
        /// </summary>
        private async Task MeasureRateAsync(string scenario, string name, string arm, int round, HttpClient client, Uri uri, double rate, IReadOnlyList<int> pids)
        {
            await PrimeAsync(client, uri);
            var settle = await ServerSettle.WaitAsync(ServerProcesses, SettleLimit);
            var meter = Meter.Start(pids);
            var serverCpu = ProcStat.CpuSeconds(ServerProcesses);
            var serverWait = ProcStat.RunQueueWaitSeconds(ServerProcesses);
            var kernel = KernelCounters.Read();
            using var sampler = CoreSampler.Start(Stopwatch.GetTimestamp());
            var result = await OpenLoopRunner.RunAsync(client, uri, rate, settings.RateDuration(rate), CancellationToken.None, MaxInFlight(rate));
            sampler.Dispose();
            var counters = KernelCounters.Read().Since(kernel);
            var recorder = result.Latency;
            var (proxyCpu, share, seconds) = meter.Stop();
            var ownServerShare = (ProcStat.CpuSeconds(ServerProcesses) - serverCpu) / seconds;
            var waitShare = (ProcStat.RunQueueWaitSeconds(ServerProcesses) - serverWait) / seconds;
            var rateText = rate.ToString(CultureInfo.InvariantCulture);
            var stall = StallAnalysis.Of(result.Timeline);
            var flag = !stall.Flagged ? null : stall.OverSaturation ? "over saturation" : stall.Stalled ? "stalled" : "load generator behind";
            var saturated = AddLatency(scenario, name, arm, $" @{rateText}/s", round, recorder, share, flag, stall.Describe());
            if (pids.Count > 0)
            {
                Samples.Add(new Sample(scenario, name, arm, $"CPU per 1000 requests @{rateText}/s", "CPU s", round, proxyCpu / recorder.Count * 1000, saturated, Flag: flag));
            }

            Samples.Add(new Sample(scenario, name, arm, $"longest gap @{rateText}/s", "ms", round, stall.LongestGapMilliseconds, Note: stall.Describe()));
            var what = $"{scenario} r{round} {name} @{rateText}/s {arm}";
            var cause = "";
            if (flag is not null && !saturated)
            {
                var timelines = Path.Combine(work, "timelines");
                Directory.CreateDirectory(timelines);
                var file = Path.Combine(timelines, string.Concat($"{scenario}-r{round}-{name}-{rateText}-{arm}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')));
                result.Timeline.WriteCsv(file + ".csv");
                sampler.WriteCsv(file + "-cores.csv");
                cause = StallCause(stall, result, counters, settle, new MachineShare(sampler.MeanBusy(0) - (Pinning.Enabled ? ownServerShare : 0), waitShare, sampler.MeanRunning));
                Stalls.Add($"{what}: {stall.Describe()}. Likely cause: {cause}. Timeline: {file}.csv");
            }

            Log($"{what}: p50 {recorder.Milliseconds(50):F2} p99 {recorder.Milliseconds(99):F2} p99.9 {recorder.Milliseconds(99.9):F2} ms, {recorder.Count}/{stall.Offered} ok in {seconds:F1} s, load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}; {stall.Describe()}{(flag is null ? "" : " FLAGGED: " + cause)}; longest gap {stall.LongestGapMilliseconds:F0} ms, lag {stall.MaxScheduleLagMilliseconds:F1} ms, connections opened {result.ConnectionsOpened}, GC pause {result.GcPauseMilliseconds:F0} ms, settled {(settle.Settled ? "" : "NOT ")}in {settle.Waited.TotalMilliseconds:F0} ms; kernel: {counters}");
        }

        /// <summary>
        /// One request before an open-loop measurement, so that it starts as a kubectl session's next request would: on
        /// an open connection, with the arm's caches warm. Minutes pass between an arm's warm-up and its first round
        /// (the other arms warm up in between), long enough for the server to close the idle connection (Kestrel after
        /// 130 s) and for the gateway's authorization cache and upstream connections to expire; the first requests of
        /// the round then waited 100-250 ms for a new mTLS connection, a SubjectAccessReview and new upstream
        /// connections, and the round was flagged as stalled. What a new connection costs is scenario 3's figure.
        /// A failure here is logged and left to the measurement, which counts and reports its own.
        /// </summary>
        private static async Task PrimeAsync(HttpClient client, Uri uri)
        {
            try
            {
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
                await response.Content.CopyToAsync(Stream.Null);
                if (!response.IsSuccessStatusCode)
                {
                    Log($"priming request to {uri} answered {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                Log($"priming request to {uri} failed: {e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary>
        /// During one measurement: the share of the server core used by processes other than ours, the seconds per
        /// second our server processes' threads waited for a CPU, and the mean number of runnable threads machine-wide.
        /// </summary>
        private sealed record MachineShare(double ForeignServerCore, double ServerWait, double Running);

        /// <summary>A second's worth of requests (at least 64): more outstanding than that and the round is over saturation anyway.</summary>
        private static int MaxInFlight(double rate) => (int)Math.Max(64, rate);

        private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(10);

        /// <summary>What the measurements around a flagged round point at, most specific first.</summary>
        private static string StallCause(StallAnalysis stall, OpenLoopResult result, KernelCounters counters, (bool Settled, TimeSpan Waited, double Share) settle, MachineShare machine)
        {
            var causes = new List<string>();
            if (counters.ListenOverflows > 0 || counters.SynRetransmits > 0)
            {
                causes.Add($"{counters.ListenOverflows} listen-queue overflows and {counters.SynRetransmits} SYN retransmits on the machine (connection attempts dropped and retried after 1, 3, 7 s: a proxy opening upstream connections by the hundred)");
            }

            if (result.ConnectionsOpened > 0)
            {
                causes.Add($"the load generator opened {result.ConnectionsOpened} connections ({result.SlowConnects} took a second or more)");
            }

            if (!settle.Settled)
            {
                causes.Add(FormattableString.Invariant($"the server side was still busy from the previous measurement ({settle.Share:P0} of a core after {settle.Waited.TotalSeconds:F0} s)"));
            }

            if (machine.ForeignServerCore >= 0.2 || machine.Running > 2 * Pinning.MachineCores)
            {
                causes.Add(FormattableString.Invariant($"other work on the machine: {machine.Running:F0} runnable threads on average for {Pinning.MachineCores} cores, {Math.Max(0, machine.ForeignServerCore):P0} of the server core used by processes not ours, the server processes' threads waited {machine.ServerWait:F1} s per second for a CPU"));
            }

            if (result.GcPauseMilliseconds >= StallAnalysis.StallThreshold.TotalMilliseconds)
            {
                causes.Add(FormattableString.Invariant($"the load generator's GC paused it for {result.GcPauseMilliseconds:F0} ms"));
            }

            if (causes.Count == 0)
            {
                causes.Add(stall.OverSaturation ? "the arm did not sustain the rate (no sign of outside interference)" : "unknown (no connection drops, no other work seen on the server core)");
            }

            return string.Join("; ", causes);
        }

        /// <summary>
        /// p50, p90, p99 and p99.9 (metric names end in <paramref name="suffix"/>) and the load generator's share; failed
        /// requests are a problem. Returns whether the load generator saturated its core (the percentiles are then discarded).
        /// </summary>
        private bool AddLatency(string scenario, string name, string arm, string suffix, int round, LatencyRecorder recorder, double share, string? flag = null, string? note = null)
        {
            var saturated = share >= SaturatedShare;
            foreach (var p in new[] { 50.0, 90, 99, 99.9 })
            {
                Samples.Add(new Sample(scenario, name, arm, $"p{p.ToString(CultureInfo.InvariantCulture)}{suffix}", "ms", round, recorder.Milliseconds(p), saturated, note, flag));
            }

            Samples.Add(new Sample(scenario, name, arm, $"load generator CPU{suffix}", "share of a core", round, share));
            CheckErrors($"{name} {arm}{suffix} round {round}", recorder);
            return saturated;
        }

        /// <summary>One transfer, bounded in time: MB/s, the load generator's share, the proxy's CPU per GB; a failed or mismatched one is a problem.</summary>
        private async Task MeasureTransferAsync(string scenario, string kind, string arm, int round, IReadOnlyList<int> pids, Func<CancellationToken, Task<Transfer>> transfer)
        {
            var meter = Meter.Start(pids);
            var result = await BoundedAsync($"{scenario} r{round} {kind} {arm}", transfer);
            var (proxyCpu, share, _) = meter.Stop();
            var saturated = share >= SaturatedShare;
            Samples.Add(new Sample(scenario, kind, arm, "throughput", "MB/s", round, result.MegabytesPerSecond, saturated));
            Samples.Add(new Sample(scenario, kind, arm, "load generator CPU", "share of a core", round, share));
            if (pids.Count > 0 && result.Bytes > 0)
            {
                Samples.Add(new Sample(scenario, kind, arm, "CPU per GB", "CPU s", round, proxyCpu / (result.Bytes / 1e9), saturated));
            }

            Check($"{scenario} r{round} {kind} {arm}", result);
            Log($"{scenario} r{round} {kind} {arm}: {result.Bytes / 1048576.0:F0} MiB at {result.MegabytesPerSecond:F0} MB/s, sha256 {(result.Verified ? "ok" : "MISMATCH")}, proxy CPU {proxyCpu:F2} s, load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}");
        }

        private void CheckErrors(string what, LatencyRecorder recorder)
        {
            if (recorder.Errors > 0)
            {
                Problems.Add($"{what}: {recorder.Errors} requests failed, first: {recorder.FirstError}");
            }
        }

        /// <summary>
        /// Runs one transfer with a deadline, so a stuck stream becomes a reported problem instead of a hung run, and a
        /// broken one a reported problem instead of the end of the run.
        /// </summary>
        private async Task<Transfer> BoundedAsync(string what, Func<CancellationToken, Task<Transfer>> run)
        {
            using var deadline = new CancellationTokenSource(settings.StepTimeout);
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await run(deadline.Token).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                Log($"{what}: no result after {settings.StepTimeout.TotalSeconds:F0} s");
                return new Transfer(0, settings.StepTimeout.TotalSeconds, Verified: false, $"no result after {settings.StepTimeout.TotalSeconds:F0} s");
            }
            catch (Exception e) when (e is IOException or HttpRequestException or SpdyProtocolException)
            {
                Log($"{what}: {e.GetType().Name}: {e.Message}");
                return new Transfer(0, Stopwatch.GetElapsedTime(started).TotalSeconds, Verified: false, $"{e.GetType().Name}: {e.Message}");
            }
        }

        private void Check(string what, Transfer transfer)
        {
            if (!transfer.Verified)
            {
                Problems.Add($"{what}: {transfer.Problem}");
            }
        }
    }
}
