using System.Globalization;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Report;
using ApiProxyGateway.Bench.Rolling;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    internal sealed partial class Run
    {
        /// <summary>
        /// 7. Rolling restart (issue 17). Per round, a sandbox with two gateway replicas behind HAProxy (TCP mode,
        /// <c>/readyz</c> checks); real kubectl streams of every kind held open (watch, <c>logs -f</c>, exec,
        /// port-forward); short requests (pass-through get pod, pods/proxy) at a fixed rate over HTTP/2; then each
        /// replica replaced in turn (a new one in rotation first, then SIGTERM to the old one). Counted: requests
        /// failed, how each stream ended (the gateway's reason printed, an error only, or silently), and per replica the
        /// time until the balancer took it out of rotation and until it had drained and exited.
        /// </summary>
        private async Task RollingAsync(string scenario)
        {
            if (KubectlStreams.Find() is not [var (version, kubectl), ..])
            {
                Problems.Add("rolling: no kubectl on PATH, so no stream could be held open through the roll");
                return;
            }

            Notes.Add($"rolling: streams through {version}, which speaks WebSockets for exec (1.30+) and port-forward (1.31+); the sandbox's one node speaks SPDY, so the gateway translates");
            for (var round = 1; round <= settings.RollingRounds; round++)
            {
                await RollOnceAsync(scenario, kubectl, round);
            }
        }

        private async Task RollOnceAsync(string scenario, string kubectl, int round)
        {
            await using var sandbox = await SandboxProcess.StartAsync(work, scenario, [.. GatewayArguments(), .. settings.RollingShutdown], replicas: 2);
            var topology = new Topology(sandbox.Info);
            var context = new KubectlStreams(kubectl, sandbox.Info.Kubeconfig, "admin");
            var streams = new List<OpenStream>();
            var clients = new List<HttpClient>();
            try
            {
                for (var i = 0; i < settings.RollingStreams; i++)
                {
                    streams.Add(new OpenStream("watch", context.Start(["get", "pods", "-n", BenchScenario.Namespace, "-w"]), "NAME"));
                    streams.Add(new OpenStream("logs -f", context.Start(["logs", "-f", "-n", BenchScenario.Namespace, "quiet", "--tail", "1"]), "quiet"));
                    streams.Add(new OpenStream("exec", context.Start(["exec", "-n", BenchScenario.Namespace, "blob", "-c", "blob", "--", "sh", "-c", "echo open; while sleep 1; do echo tick; done"]), "open"));
                    streams.Add(new OpenStream("port-forward", context.Start(["port-forward", "-n", BenchScenario.Namespace, "pod/blob", ":" + BenchScenario.SourcePort.ToString(CultureInfo.InvariantCulture), "--address", "127.0.0.1"]), "Forwarding from"));
                }

                await Task.WhenAll(streams.Select(s => s.Ready)).WaitAsync(settings.StepTimeout);
                var loads = new List<(string Name, RollingLoad Load)>();
                foreach (var (name, endpoint, path, upstreamPath) in new[]
                {
                    ("get pod", topology.ApiServer(ArmNames.Gateway), GetPodPath, GetPodPath),
                    ("pods/proxy 1 KiB", topology.Workload(ArmNames.Gateway), ProxyPathApi, ProxyPathUpstream),
                })
                {
                    var client = Clients.Http(endpoint);
                    clients.Add(client);
                    loads.Add((name, new RollingLoad(client, endpoint.Resolve(path, upstreamPath), settings.RollingRate)));
                }

                using var stop = new CancellationTokenSource();
                var running = loads.Select(l => l.Load.RunAsync(stop.Token)).ToList();
                Log($"rolling r{round}: {streams.Count} kubectl streams open, short requests at {settings.RollingRate}/s each; rolling 2 replicas");
                var steps = await sandbox.RollAsync(work, settings.StepTimeout);
                await stop.CancelAsync();
                await Task.WhenAll(running);
                using (var ended = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    // Every stream was on a replaced replica: each has ended by now, or is counted as still open.
                    await Task.WhenAll(streams.Select(s => s.WaitForExitAsync(ended.Token))).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                Record(round, loads, streams, steps);
            }
            finally
            {
                foreach (var stream in streams)
                {
                    stream.Dispose();
                }

                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }

        private void Record(int round, List<(string Name, RollingLoad Load)> loads, List<OpenStream> streams, IReadOnlyList<Sandbox.Gateway.ReplicaReplacement> steps)
        {
            foreach (var (name, load) in loads)
            {
                Samples.Add(new Sample("rolling", name, ArmNames.Gateway, "requests", "count", round, load.Sent));
                Samples.Add(new Sample("rolling", name, ArmNames.Gateway, "failed", "count", round, load.Failed));
                Samples.Add(new Sample("rolling", name, ArmNames.Gateway, "retried (429)", "count", round, load.Retried));
                if (load.Failed > 0)
                {
                    Problems.Add($"rolling r{round} {name}: {load.Failed} of {load.Sent} requests failed during the roll; first: {string.Join("; ", load.FirstFailures)}");
                }

                Log($"rolling r{round} {name}: {load.Sent} sent, {load.Succeeded} ok, {load.Retried} retried (429), {load.Failed} failed");
            }

            foreach (var kind in streams.GroupBy(s => s.Kind))
            {
                Samples.Add(new Sample("rolling", kind.Key, ArmNames.Gateway, "streams", "count", round, kind.Count()));
                foreach (var outcome in new[] { "reason", "error", "silent", "open" })
                {
                    Samples.Add(new Sample("rolling", kind.Key, ArmNames.Gateway, "ended: " + outcome, "count", round, kind.Count(s => s.Outcome == outcome)));
                }

                if (kind.Any(s => s.Outcome is "silent" or "open"))
                {
                    Problems.Add($"rolling r{round} {kind.Key}: {kind.Count(s => s.Outcome == "silent")} ended silently and {kind.Count(s => s.Outcome == "open")} never ended");
                }

                if (round == 1)
                {
                    Notes.Add($"rolling: how a {kind.Key} ended: \"{kind.First().LastWords}\"");
                }

                Log($"rolling r{round} {kind.Key}: {string.Join(", ", kind.GroupBy(s => s.Outcome).Select(g => $"{g.Count()} {g.Key}"))}; e.g. {kind.First().LastWords}");
            }

            foreach (var (step, order) in steps.Select((step, i) => (step, i + 1)))
            {
                // One case per place in the roll: the first replica replaced holds streams the second may have taken over.
                var replica = $"replica {order}";
                Samples.Add(new Sample("rolling", replica, ArmNames.Gateway, "replacement ready after", "s", round, step.ReplacementReadyAfter.TotalSeconds));
                Samples.Add(new Sample("rolling", replica, ArmNames.Gateway, "out of rotation after", "s", round, step.OutOfRotationAfter?.TotalSeconds ?? double.NaN));
                Samples.Add(new Sample("rolling", replica, ArmNames.Gateway, "drained and exited after", "s", round, step.ExitedAfter.TotalSeconds));
                if (step.Killed || step.ExitCode != 0 || step.OutOfRotationAfter is null)
                {
                    Problems.Add($"rolling r{round}: {step.Replaced} {(step.Killed ? "was killed" : $"exited with {step.ExitCode}")}{(step.OutOfRotationAfter is null ? ", never out of rotation" : "")}");
                }

                Log($"rolling r{round} {step.Replaced} → {step.Replacement}: replacement in rotation after {step.ReplacementReadyAfter.TotalSeconds:F1} s; old out of rotation after {step.OutOfRotationAfter?.TotalSeconds:F1} s, drained and exited after {step.ExitedAfter.TotalSeconds:F1} s (code {step.ExitCode})");
            }
        }
    }
}
