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
        /// <summary>Open-loop requests at a fixed rate: percentiles, the load generator's share, the proxy's CPU per 1000 requests.</summary>
        private async Task MeasureRateAsync(string scenario, string name, string arm, int round, HttpClient client, Uri uri, double rate, IReadOnlyList<int> pids)
        {
            var meter = Meter.Start(pids);
            var recorder = await OpenLoopRunner.RunAsync(client, uri, rate, settings.RateDuration(rate), CancellationToken.None);
            var (proxyCpu, share, seconds) = meter.Stop();
            var rateText = rate.ToString(CultureInfo.InvariantCulture);
            var saturated = AddLatency(scenario, name, arm, $" @{rateText}/s", round, recorder, share);
            if (pids.Count > 0)
            {
                Samples.Add(new Sample(scenario, name, arm, $"CPU per 1000 requests @{rateText}/s", "CPU s", round, proxyCpu / recorder.Count * 1000, saturated));
            }

            Log($"{scenario} r{round} {name} @{rateText}/s {arm}: p50 {recorder.Milliseconds(50):F2} p99 {recorder.Milliseconds(99):F2} p99.9 {recorder.Milliseconds(99.9):F2} ms, {recorder.Count}/{(long)(rate * settings.RateDuration(rate).TotalSeconds)} ok in {seconds:F1} s, load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}");
        }

        /// <summary>
        /// p50, p90, p99 and p99.9 (metric names end in <paramref name="suffix"/>) and the load generator's share; failed
        /// requests are a problem. Returns whether the load generator saturated its core (the percentiles are then discarded).
        /// </summary>
        private bool AddLatency(string scenario, string name, string arm, string suffix, int round, LatencyRecorder recorder, double share)
        {
            var saturated = share >= SaturatedShare;
            foreach (var p in new[] { 50.0, 90, 99, 99.9 })
            {
                Samples.Add(new Sample(scenario, name, arm, $"p{p.ToString(CultureInfo.InvariantCulture)}{suffix}", "ms", round, recorder.Milliseconds(p), saturated));
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
