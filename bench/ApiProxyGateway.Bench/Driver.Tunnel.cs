using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Bench.Streams;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    internal sealed partial class Run
    {
        private static readonly string[] TunnelArms = [ArmNames.Gateway, ArmNames.GatewayGrpc, ArmNames.GatewayHttpConnect];

        /// <summary>
        /// 5. Through the Konnectivity tunnel (issue 13). Two more sandboxes, each with its node behind a konnectivity-agent
        /// in a network namespace of its own and its gateway reaching it through konnectivity-server's Unix domain socket,
        /// one with GRPC and one with HTTP CONNECT, measured in the same rounds as the ordinary sandbox's gateway, which
        /// dials directly. That gateway is the baseline: the direct arm cannot reach a pod inside the namespace.
        /// Steps, per round and arms in rotating order: port-forward and exec throughput, pods/proxy at a light fixed
        /// rate (<see cref="BenchSettings.TunnelRate"/>), then port-forwards opened one after another (time to the first byte).
        /// </summary>
        private async Task TunnelAsync(Topology gateway)
        {
            if (SandboxHost.EgressUnavailable() is { } reason)
            {
                Notes.Add($"tunnel: not measured: {reason}");
                Log($"tunnel: not measured: {reason}");
                return;
            }

            // Both at once: in a smoke run, starting them takes longer than measuring them.
            Log("tunnel: starting a sandbox behind konnectivity with GRPC and one with HTTP CONNECT (both over its Unix domain socket)");
            var scenario = BenchScenario.Write(work, _benchDll, settings.LogLines, settings.LogWidth, settings.QuietInterval, logs: false);
            var starts = new[] { EgressProtocol.Grpc, EgressProtocol.HttpConnect }.Select(e => SandboxProcess.StartAsync(work, scenario, GatewayArguments(), e)).ToArray();
            try
            {
                await Task.WhenAll(starts);
            }
            catch
            {
                foreach (var started in starts.Where(t => t.IsCompletedSuccessfully))
                {
                    await started.Result.DisposeAsync();
                }

                throw;
            }

            await using var grpc = starts[0].Result;
            await using var httpConnect = starts[1].Result;
            static (Endpoint Kubelet, Endpoint Workload, IReadOnlyList<int> Pids) Arm(Topology t) => (t.Kubelet(ArmNames.Gateway), t.Workload(ArmNames.Gateway), [t.Info.GatewayProcessId]);
            var arms = new Dictionary<string, (Endpoint Kubelet, Endpoint Workload, IReadOnlyList<int> Pids)>
            {
                [ArmNames.Gateway] = Arm(gateway),
                [ArmNames.GatewayGrpc] = Arm(new Topology(grpc.Info)),
                [ArmNames.GatewayHttpConnect] = Arm(new Topology(httpConnect.Info)),
            };
            Notes.Add($"tunnel: the sandboxes' state in {grpc.Info.StateDirectory} and {httpConnect.Info.StateDirectory}; affinity: gateway+grpc {Pinning.Affinity(grpc.Info.GatewayProcessId)}, gateway+http-connect {Pinning.Affinity(httpConnect.Info.GatewayProcessId)}");
            var rate = settings.TunnelRate;
            // A smoke run leaves the baseline out: scenarios 1 and 2 take the same gateway through the same paths.
            string[] measured = settings.Smoke ? [ArmNames.GatewayGrpc, ArmNames.GatewayHttpConnect] : TunnelArms;
            var clients = measured.ToDictionary(a => a, a => Clients.Http(arms[a].Workload, oneConnection: true));
            Uri ProxyUri(string arm) => arms[arm].Workload.Resolve(ProxyPathApi, ProxyPathUpstream);
            var kinds = new (string Name, Func<Endpoint, long, CancellationToken, Task<Transfer>> Run)[]
            {
                ("port-forward", (endpoint, bytes, token) => NativeStreams.PortForwardAsync(endpoint, bytes, token)),
                ("exec stdout", (endpoint, bytes, token) => NativeStreams.ExecAsync(endpoint, _benchDll, bytes, token)),
            };

            // Warm-up, as scenario 2's (a smoke run's single round checks every path by itself, and CI waits for it).
            foreach (var arm in settings.Smoke ? [] : measured)
            {
                foreach (var (kind, transfer) in kinds)
                {
                    Check($"tunnel warm-up {arm} {kind}", await BoundedAsync($"tunnel warm-up {arm} {kind}", token => transfer(arms[arm].Kubelet, 8 << 20, token)));
                }

                await OpenLoopRunner.RunAsync(clients[arm], ProxyUri(arm), rate, settings.WarmUp, CancellationToken.None);
            }

            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var (kind, transfer) in kinds)
                {
                    foreach (var arm in Rotate(measured, round))
                    {
                        await MeasureTransferAsync("tunnel", kind, arm, round, arms[arm].Pids, token => transfer(arms[arm].Kubelet, settings.TunnelStreamBytes, token));
                    }
                }

                foreach (var arm in Rotate(measured, round))
                {
                    await MeasureRateAsync("tunnel", "pods/proxy 1 KiB", arm, round, clients[arm], ProxyUri(arm), rate, arms[arm].Pids);
                }

                foreach (var arm in Rotate(measured, round))
                {
                    var meter = Meter.Start(arms[arm].Pids);
                    using var deadline = new CancellationTokenSource(settings.StepTimeout);
                    var recorder = await StreamOpens.PortForwardAsync(arms[arm].Kubelet, settings.StreamOpens, deadline.Token);
                    var (_, share, seconds) = meter.Stop();
                    var saturated = AddLatency("tunnel", "port-forward open", arm, "", round, recorder, share);
                    Log($"tunnel r{round} port-forward open {arm}: p50 {recorder.Milliseconds(50):F2} p99 {recorder.Milliseconds(99):F2} ms, {recorder.Count}/{settings.StreamOpens} ok in {seconds:F1} s, load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}");
                }
            }

            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }
}
