using System.Diagnostics;
using System.Globalization;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Measure;
using ApiProxyGateway.Bench.Pods;
using ApiProxyGateway.Bench.Report;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench;

/// <summary>
/// <c>bench/run [--smoke] [--out DIR] [--rounds N] [--only SCENARIO,…]</c>: starts the sandbox (pinned to the server
/// core), nginx and HAProxy, runs every scenario (or those named, see <see cref="BenchSettings.AllScenarios"/>) with the
/// arms interleaved in rotating order after a warm-up, and writes the report.
/// </summary>
internal static partial class Driver
{
    private const string ProxyPathApi = "/api/v1/namespaces/demo/pods/https:web:8443/proxy/bytes?n=1024";
    private const string ProxyPathUpstream = "/bytes?n=1024";
    private const string GetPodPath = "/api/v1/namespaces/demo/pods/web";
    private const double SaturatedShare = 0.95;

    private const string Usage = "usage: bench/run [--smoke] [--rounds N] [--out DIR] [--only SCENARIO,...] [--load-only SECONDS [--load-arms A,B] [--load-paths proxy,get] [--load-warm-up N] [--load-windows N]] (see bench/README.md)";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (UnknownArgument(args) is { } unknown)
        {
            Console.Error.WriteLine($"bench: {unknown}: not an option or a missing value; {Usage}");
            return 2;
        }

        ChildProcess.KillOnSignals();
        var smoke = args.Contains("--smoke");
        var output = Value(args, "--out") ?? Path.Combine("bench", "results");
        var settings = smoke ? BenchSettings.SmokeRun : BenchSettings.Full;
        if (Value(args, "--rounds") is { } rounds)
        {
            settings = settings with { Rounds = int.Parse(rounds, CultureInfo.InvariantCulture), IdleRounds = int.Parse(rounds, CultureInfo.InvariantCulture) };
        }

        if (Value(args, "--only") is { } only)
        {
            var scenarios = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (scenarios.Length == 0 || scenarios.Except(BenchSettings.AllScenarios).ToList() is { Count: > 0 })
            {
                Console.Error.WriteLine($"bench: --only {only}: name one or more of {string.Join(", ", BenchSettings.AllScenarios)}");
                return 2;
            }

            settings = settings with { Scenarios = scenarios };
        }

        if (Value(args, "--load-only") is { } loadSeconds)
        {
            return await LoadOnlyAsync(args, output, TimeSpan.FromSeconds(double.Parse(loadSeconds, CultureInfo.InvariantCulture)));
        }

        if (args.FirstOrDefault(arg => arg.StartsWith("--load-", StringComparison.Ordinal)) is { } loadFlag)
        {
            Console.Error.WriteLine($"bench: {loadFlag} goes with --load-only SECONDS");
            return 2;
        }

        var started = DateTime.UtcNow;
        var work = Path.GetFullPath(Path.Combine(output, "tmp", started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(work);
        var run = new Run(settings, work, MachineInfo.Collect(Version("nginx", "-v"), Version("haproxy", "-v")));
        Log($"bench: {(smoke ? "smoke" : "full")} run{(settings.Partial ? " of " + string.Join(", ", settings.Scenarios) + " only" : "")}, {settings.Rounds} rounds, load {run.Machine.LoadBefore}, work directory {work}");
        try
        {
            await run.ExecuteAsync();
        }
        catch (Exception e)
        {
            run.Problems.Add($"the run stopped: {e.GetType().Name}: {e.Message}");
            Log($"bench: FAILED: {e}");
        }

        run.Machine.LoadAfter = MachineInfo.Load();
        var files = ReportWriter.Write(run, output, started);
        Log($"bench: report {files.Markdown}, data {files.Json}{(files.Chart == "" ? "" : ", chart " + files.Chart)}; load now {run.Machine.LoadAfter}");
        foreach (var problem in run.Problems)
        {
            Log($"bench: problem: {problem}");
        }

        return run.Problems.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>--load-only SECONDS [--load-arms ARM,…] [--load-paths proxy,get] [--load-warm-up N] [--load-windows N]</c>:
    /// for profiling. Starts the sandbox and the peer arms as a full run does, writes each arm's PIDs to
    /// WORK/ARM.pids, warms each arm and path up with N requests at saturation (default 200,000, as a full run does)
    /// and then prints saturation and the arm's CPU s per 1,000 requests for each window of SECONDS; no report. Attach
    /// perf or strace to the PIDs while a window runs.
    /// </summary>
    private static async Task<int> LoadOnlyAsync(string[] args, string output, TimeSpan duration)
    {
        var arms = (Value(args, "--load-arms") ?? ArmNames.Gateway).Split(',');
        var paths = (Value(args, "--load-paths") ?? "proxy,get").Split(',');
        string[] knownArms = [ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy];
        if (arms.Except(knownArms).Concat(paths.Except(["proxy", "get"])).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"bench: --load-only: unknown arm or path \"{unknown}\" (arms: {string.Join(", ", knownArms)}; paths: proxy, get)");
            return 2;
        }

        var warmUp = int.Parse(Value(args, "--load-warm-up") ?? "200000", CultureInfo.InvariantCulture);
        var windows = int.Parse(Value(args, "--load-windows") ?? "3", CultureInfo.InvariantCulture);
        var work = Path.GetFullPath(Path.Combine(output, "tmp", "load-only"));
        Directory.CreateDirectory(work);
        var scenario = BenchScenario.Write(work, typeof(Driver).Assembly.Location, 100, 1024, TimeSpan.FromSeconds(5));
        await using var sandbox = await SandboxProcess.StartAsync(work, scenario, Run.GatewayArguments());
        await using var proxies = await ProxyArms.StartAsync(sandbox.Info, Path.Combine(work, "proxies"));
        var topology = new Topology(sandbox.Info);
        IReadOnlyList<int> Pids(string arm) => ArmProcesses(arm, sandbox.Info, proxies);
        foreach (var arm in arms)
        {
            await File.WriteAllTextAsync(Path.Combine(work, arm + ".pids"), string.Join('\n', Pids(arm)));
        }

        Log($"load-only: PIDs in {work}/ARM.pids");
        foreach (var path in paths)
        {
            foreach (var arm in arms)
            {
                var (endpoint, uri) = path switch
                {
                    "proxy" => (topology.Workload(arm), topology.Workload(arm).Resolve(ProxyPathApi, ProxyPathUpstream)),
                    "get" => (topology.ApiServer(arm), topology.ApiServer(arm).Resolve(GetPodPath, GetPodPath)),
                    _ => throw new ArgumentException($"unknown path {path}: proxy or get"),
                };
                using var client = Clients.Http(endpoint, oneConnection: true);
                for (var sent = 0L; sent < warmUp;)
                {
                    var (_, burst) = await ClosedLoopRunner.RunAsync(client, uri, 64, TimeSpan.FromSeconds(5), CancellationToken.None);
                    if (burst.Count == 0 || burst.Errors > 0)
                    {
                        throw new InvalidOperationException($"{arm} failed {burst.Errors} {path} requests of {burst.Count} in the warm-up: {burst.FirstError}");
                    }

                    sent += burst.Count;
                }

                for (var window = 1; window <= windows; window++)
                {
                    var meter = Meter.Start(Pids(arm));
                    var (perSecond, recorder) = await ClosedLoopRunner.RunAsync(client, uri, 64, duration, CancellationToken.None);
                    var (cpu, share, _) = meter.Stop();
                    Log($"load-only {path} {arm} window {window}: {perSecond:F0}/s, {cpu / Math.Max(1, recorder.Count) * 1000:F4} CPU s per 1000, load generator {share:P0}, {recorder.Errors} errors");
                }
            }
        }

        return 0;
    }

    /// <summary>The processes whose CPU is an arm's (none for direct, which has no proxy).</summary>
    private static IReadOnlyList<int> ArmProcesses(string arm, SandboxInfo info, ProxyArms proxies) => arm switch
    {
        ArmNames.Gateway => [info.GatewayProcessId],
        ArmNames.Nginx => proxies.NginxProcesses,
        ArmNames.Haproxy => proxies.HaproxyProcesses,
        ArmNames.AspNetCore => proxies.BareForwarderProcesses,
        _ => [],
    };

    public static void Log(string message) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    /// <summary>The first argument that is neither a known flag nor the value of one: a typo must not start a half-hour run.</summary>
    private static string? UnknownArgument(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke")
            {
                continue;
            }

            if (args[i] is not ("--rounds" or "--out" or "--only" or "--load-only" or "--load-arms" or "--load-paths" or "--load-warm-up" or "--load-windows") || i + 1 >= args.Length)
            {
                return args[i];
            }

            i++;
        }

        return null;
    }

    private static string? Value(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static string Version(string program, string flag)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, flag) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false });
            var text = process!.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd(); // ! Start returns a process or throws
            process.WaitForExit();
            return text.Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "missing";
        }
    }

    /// <summary>The state of one run: settings, samples, problems, and the scenarios in order.</summary>
    internal sealed partial class Run(BenchSettings settings, string work, MachineInfo machine)
    {
        private static readonly string[] RequestArms = [ArmNames.Direct, ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy];
        private static readonly string[] StreamArms = [ArmNames.Direct, ArmNames.Gateway, ArmNames.ApiServer, ArmNames.Nginx, ArmNames.Haproxy];
        private readonly string _benchDll = typeof(Driver).Assembly.Location;

        /// <summary>Where the main sandbox's gateway writes its session recordings; deleted when the run ends.</summary>
        private readonly DirectoryInfo _recordings = Directory.CreateTempSubdirectory("apg-bench-recordings-");

        public BenchSettings Settings => settings;

        public MachineInfo Machine => machine;

        public List<Sample> Samples { get; } = [];

        public List<string> Problems { get; } = [];

        public List<string> Notes { get; } = [];

        /// <summary>Open-loop rounds flagged by <see cref="StallAnalysis"/>, each with its likely cause: the report's Problems section names them; they do not fail the run.</summary>
        public List<string> Stalls { get; } = [];

        /// <summary>Everything that serves (the sandbox's process tree with the gateway, nginx, HAProxy): what must be quiet before an open-loop measurement.</summary>
        private IReadOnlyList<int> ServerProcesses { get; set; } = [];

        public async Task ExecuteAsync()
        {
            try
            {
                await ExecuteScenariosAsync();
            }
            finally
            {
                _recordings.Delete(recursive: true);
            }
        }

        private async Task ExecuteScenariosAsync()
        {
            var scenario = BenchScenario.Write(work, _benchDll, settings.LogLines, settings.LogWidth, settings.QuietInterval);
            machine.Pinning = Pinning.Enabled
                ? $"server side (sandbox: API server, kubelet, pods; gateway; nginx; HAProxy) on core {Pinning.ServerCores}, load generator and kubectl on core {Pinning.ClientCores}"
                : "not pinned (fewer than 2 cores or no taskset)";
            await using (var sandbox = await SandboxProcess.StartAsync(work, scenario, [.. GatewayArguments(), .. RecordingArguments()]))
            await using (var proxies = await ProxyArms.StartAsync(sandbox.Info, Path.Combine(work, "proxies")))
            {
                var topology = new Topology(sandbox.Info);
                ServerProcesses = [.. ProcStat.Tree(sandbox.Info.SandboxProcessId), .. proxies.NginxProcesses, .. proxies.HaproxyProcesses, .. proxies.BareForwarderProcesses];
                Notes.Add($"affinity: gateway {Pinning.Affinity(sandbox.Info.GatewayProcessId)}, nginx {string.Join('/', proxies.NginxProcesses.Select(Pinning.Affinity))}, HAProxy {Pinning.Affinity(proxies.HaproxyProcesses[0])}, aspnetcore {Pinning.Affinity(proxies.BareForwarderProcesses[0])}, load generator {Pinning.Affinity(Environment.ProcessId)}");
                IReadOnlyList<int> Pids(string arm) => ArmProcesses(arm, sandbox.Info, proxies);

                if (settings.Runs("short"))
                {
                    await ShortRequestsAsync(topology, Pids);
                }

                if (settings.Runs("handshakes"))
                {
                    await HandshakesAsync(topology, Pids);
                }

                if (settings.Runs("streams"))
                {
                    await StreamsAsync(topology, Pids);
                }

                if (settings.Runs("kubectl"))
                {
                    await KubectlAsync(sandbox.Info);
                }

                if (settings.Runs("tunnel"))
                {
                    await TunnelAsync(topology);
                }

                if (settings.Smoke && settings.Runs("idle"))
                {
                    await IdleRoundAsync(topology, 1, logs: true);
                    await IdleRoundAsync(topology, 1, logs: false);
                }
            }

            if (settings.Runs("rolling"))
            {
                await RollingAsync(scenario);
            }

            for (var round = 1; !settings.Smoke && settings.Runs("idle") && round <= settings.IdleRounds; round++)
            {
                // A fresh gateway for each kind and round: RSS growth only means something in a process that has not
                // held (and freed) streams before.
                foreach (var logs in round % 2 == 1 ? new[] { true, false } : [false, true])
                {
                    await using var sandbox = await SandboxProcess.StartAsync(work, scenario, GatewayArguments());
                    await IdleRoundAsync(new Topology(sandbox.Info), round, logs);
                }
            }

            if (settings.Runs("reauth"))
            {
                await ReauthorizationAsync();
            }

            if (settings.Runs("leaks"))
            {
                await LeaksAsync(scenario);
            }
        }

        public static string[] GatewayArguments() =>
        [
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            "--Audit:Path=/dev/null",
            "--Limits:MaxStreams=100000",
            "--Limits:MaxStreamsPerUser=100000",
            // The sandbox records every exec; the figures are the relay's without recording, as before it existed
            // (scenario 2's recorded exec goes to a namespace recorded on its own: RecordingArguments).
            "--record-sessions=none",
        ];

        private static string[] Rotate(string[] arms, int round) => [.. arms.Skip(round % arms.Length), .. arms.Take(round % arms.Length)];

        private async Task ShortRequestsAsync(Topology topology, Func<string, IReadOnlyList<int>> pids)
        {
            var cases = new (string Name, Func<string, Endpoint> Endpoint, string Api, string Upstream)[]
            {
                ("pods/proxy 1 KiB", topology.Workload, ProxyPathApi, ProxyPathUpstream),
                ("get pod", topology.ApiServer, GetPodPath, GetPodPath),
            };
            var clients = cases.SelectMany(c => RequestArms.Select(arm => (c.Name, arm))).ToDictionary(k => k, k => Clients.Http(cases.First(c => c.Name == k.Name).Endpoint(k.arm), oneConnection: true));
            Uri UriOf(string name, string arm)
            {
                var c = cases.First(x => x.Name == name);
                return c.Endpoint(arm).Resolve(c.Api, c.Upstream);
            }

            Log("short requests: checking every arm answers, then warming up");
            foreach (var ((name, arm), client) in clients)
            {
                using var response = await client.GetAsync(UriOf(name, arm));
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{arm} answered {(int)response.StatusCode} for {name}: {await response.Content.ReadAsStringAsync()}");
                }

                await OpenLoopRunner.RunAsync(client, UriOf(name, arm), settings.Rates[0], settings.WarmUp, CancellationToken.None);
                for (var sent = 0L; sent < settings.WarmUpRequests;)
                {
                    var (_, burst) = await ClosedLoopRunner.RunAsync(client, UriOf(name, arm), settings.SaturationConcurrency, TimeSpan.FromSeconds(settings.Smoke ? 0.2 : 5), CancellationToken.None);
                    CheckErrors($"{name} {arm} warm-up", burst);
                    if (burst.Count == 0)
                    {
                        // An arm that answers nothing would otherwise be warmed up for ever.
                        throw new InvalidOperationException($"{arm} answered no {name} request during the warm-up: {burst.FirstError}");
                    }

                    sent += burst.Count;
                }
            }

            for (var round = 1; round <= settings.Rounds; round++)
            {
                var order = Rotate(RequestArms, round);
                foreach (var (name, _, _, _) in cases)
                {
                    foreach (var rate in settings.Rates)
                    {
                        foreach (var arm in order)
                        {
                            await MeasureRateAsync("short", name, arm, round, clients[(name, arm)], UriOf(name, arm), rate, pids(arm));
                        }
                    }

                    foreach (var arm in order)
                    {
                        var meter = Meter.Start(pids(arm));
                        var (perSecond, recorder) = await ClosedLoopRunner.RunAsync(clients[(name, arm)], UriOf(name, arm), settings.SaturationConcurrency, settings.SaturationDuration, CancellationToken.None);
                        var (proxyCpu, share, _) = meter.Stop();
                        var saturated = share >= SaturatedShare;
                        Samples.Add(new Sample("short", name, arm, "saturation", "requests/s", round, perSecond, saturated));
                        Samples.Add(new Sample("short", name, arm, "load generator CPU @saturation", "share of a core", round, share));
                        if (pids(arm).Count > 0)
                        {
                            Samples.Add(new Sample("short", name, arm, "CPU per 1000 requests @saturation", "CPU s", round, proxyCpu / recorder.Count * 1000, saturated));
                        }

                        CheckErrors($"{name} {arm} saturation round {round}", recorder);
                        Log($"short r{round} {name} saturation {arm}: {perSecond:F0}/s, load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}");
                    }
                }
            }

            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        private async Task HandshakesAsync(Topology topology, Func<string, IReadOnlyList<int>> pids)
        {
            foreach (var arm in RequestArms)
            {
                await HandshakeRunner.RunAsync(topology.ApiServer(arm), "/version", settings.HandshakeConcurrency, settings.WarmUp, CancellationToken.None);
            }

            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var arm in Rotate(RequestArms, round))
                {
                    var meter = Meter.Start(pids(arm));
                    var (perSecond, errors, negotiated, firstError) = await HandshakeRunner.RunAsync(topology.ApiServer(arm), "/version", settings.HandshakeConcurrency, settings.HandshakeDuration, CancellationToken.None);
                    var (_, share, _) = meter.Stop();
                    var saturated = share >= SaturatedShare;
                    Samples.Add(new Sample("handshakes", "new mTLS connection per GET /version", arm, "handshakes", "per second", round, perSecond, saturated, negotiated));
                    Samples.Add(new Sample("handshakes", "new mTLS connection per GET /version", arm, "load generator CPU", "share of a core", round, share));
                    if (errors > 0)
                    {
                        Problems.Add($"handshakes {arm} round {round}: {errors} failed, first: {firstError}");
                    }

                    Log($"handshakes r{round} {arm}: {perSecond:F0}/s ({negotiated}), load generator {share:P0}{(saturated ? " SATURATED: discarded" : "")}");
                }
            }
        }

        private async Task StreamsAsync(Topology topology, Func<string, IReadOnlyList<int>> pids)
        {
            var logBytes = LogSource.Length(settings.LogLines, settings.LogWidth);
            var logSha = LogSource.Sha256(settings.LogLines, settings.LogWidth);
            _ = DataPattern.Sha256(settings.StreamBytes);
            var logClients = StreamArms.ToDictionary(a => a, a => Clients.Http(topology.Kubelet(a)));
            var kinds = new (string Name, Func<string, CancellationToken, Task<Transfer>> Run)[]
            {
                ("port-forward", (arm, token) => NativeStreams.PortForwardAsync(topology.Kubelet(arm), settings.StreamBytes, token)),
                (StreamCases.ExecStdout, (arm, token) => NativeStreams.ExecAsync(topology.Kubelet(arm), _benchDll, settings.StreamBytes, token)),
                ("logs", (arm, token) => NativeStreams.LogsAsync(logClients[arm], topology.Kubelet(arm), settings.LogReads, logBytes, logSha, token)),
            };

            // Warm-up: a transfer of each kind on each arm (also checks every path works before measuring), long enough
            // for .NET to move the relay's code to its optimised tier: a log read takes some 60 ms, and the measured
            // reads were cold after a single one.
            var warmBytes = settings.Smoke ? 8L << 20 : 256L << 20;
            var warmReads = settings.Smoke ? 1 : 40;
            foreach (var arm in StreamArms)
            {
                Check($"streams warm-up {arm} port-forward", await BoundedAsync($"streams warm-up {arm} port-forward", token => NativeStreams.PortForwardAsync(topology.Kubelet(arm), warmBytes, token)));
                Check($"streams warm-up {arm} exec", await BoundedAsync($"streams warm-up {arm} exec", token => NativeStreams.ExecAsync(topology.Kubelet(arm), _benchDll, warmBytes, token)));
                Check($"streams warm-up {arm} logs", await BoundedAsync($"streams warm-up {arm} logs", token => NativeStreams.LogsAsync(logClients[arm], topology.Kubelet(arm), warmReads, logBytes, logSha, token)));
            }

            Check("streams warm-up gateway exec, recorded", await BoundedAsync("streams warm-up gateway exec, recorded", token => NativeStreams.ExecAsync(topology.Kubelet(ArmNames.Gateway), _benchDll, warmBytes, BenchScenario.RecordedNamespace, token)));

            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var (kind, transfer) in kinds)
                {
                    foreach (var arm in Rotate(StreamArms, round))
                    {
                        if (kind == StreamCases.ExecStdout && arm == ArmNames.Gateway)
                        {
                            await ExecRecordedAndNotAsync(topology.Kubelet(arm), round, pids(arm));
                            continue;
                        }

                        await MeasureTransferAsync("streams", kind, arm, round, pids(arm), token => transfer(arm, token));
                    }
                }
            }

            foreach (var client in logClients.Values)
            {
                client.Dispose();
            }
        }

        private async Task KubectlAsync(SandboxInfo info)
        {
            var versions = KubectlStreams.Find();
            if (versions.Count == 0)
            {
                Notes.Add("kubectl: none on PATH, the kubectl rows are missing");
                return;
            }

            if (settings.Smoke)
            {
                versions = [versions[0]];
            }

            var logBytes = LogSource.Length(settings.LogLines, settings.LogWidth);
            var logSha = LogSource.Sha256(settings.LogLines, settings.LogWidth);
            var arms = new[] { (Arm: ArmNames.Gateway, Context: "admin"), (Arm: ArmNames.ApiServer, Context: "direct-admin") };
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var (version, path) in versions)
                {
                    foreach (var (arm, context) in round % 2 == 0 ? arms.Reverse() : arms)
                    {
                        var kubectl = new KubectlStreams(path, info.Kubeconfig, context);
                        var kinds = new (string Name, Func<CancellationToken, Task<Transfer>> Run)[]
                        {
                            ("port-forward", token => kubectl.PortForwardAsync(settings.KubectlStreamBytes, token)),
                            ("exec stdout", token => kubectl.ExecAsync(_benchDll, settings.KubectlStreamBytes, token)),
                            ("logs", token => kubectl.LogsAsync(Math.Max(1, settings.LogReads / 2), logBytes, logSha, token)),
                        };
                        foreach (var (kind, run) in settings.Smoke ? kinds.Take(2) : kinds)
                        {
                            var result = await BoundedAsync($"kubectl r{round} {version} {kind} {arm}", run);
                            Samples.Add(new Sample("kubectl", $"{kind} ({version})", arm, "throughput", "MB/s", round, result.MegabytesPerSecond));
                            Check($"kubectl r{round} {version} {kind} {arm}", result);
                            Log($"kubectl r{round} {version} {kind} {arm}: {result.Bytes / 1048576.0:F0} MiB at {result.MegabytesPerSecond:F0} MB/s, sha256 {(result.Verified ? "ok" : "MISMATCH")}");
                        }
                    }
                }
            }
        }
    }
}
