using ApiProxyGateway.Bench.Reauthorization;

namespace ApiProxyGateway.Bench;

/// <summary>How much of everything: the full run (figures for the report) or the smoke run (CI: does every path still work).</summary>
internal sealed record BenchSettings
{
    public required bool Smoke { get; init; }

    public required int Rounds { get; init; }

    public required double[] Rates { get; init; }

    public required TimeSpan WarmUp { get; init; }

    /// <summary>
    /// After the open-loop warm-up, each short-request client also runs closed loop at saturation until it has sent
    /// this many requests, so that a .NET arm's hot code has been compiled to its final tier before anything is
    /// measured. Pinned to one core, the runtime waits 10 times longer before tiering code up (and restarts the wait at
    /// every newly compiled method): the gateway took some 200,000 requests to come down from 0.37 to 0.11 CPU ms per
    /// pods/proxy request, and the 1,500 of the earlier warm-up left it compiling during the measurements, which
    /// counted as its CPU.
    /// </summary>
    public required int WarmUpRequests { get; init; }

    /// <summary>Per rate: 3 000 samples at 500/s and 8 000 at 2 000/s per round (p99.9 is read from the five rounds' medians).</summary>
    public required Func<double, TimeSpan> RateDuration { get; init; }

    public required TimeSpan SaturationDuration { get; init; }

    public required int SaturationConcurrency { get; init; }

    public required TimeSpan HandshakeDuration { get; init; }

    public required int HandshakeConcurrency { get; init; }

    public required long StreamBytes { get; init; }

    public required long KubectlStreamBytes { get; init; }

    public required int LogLines { get; init; }

    public required int LogWidth { get; init; }

    public required int LogReads { get; init; }

    public required int[] IdleLevels { get; init; }

    public required int IdleRounds { get; init; }

    public required TimeSpan QuietInterval { get; init; }

    /// <summary>Per port-forward and exec through the Konnectivity tunnel (and through its baseline, the gateway dialling directly).</summary>
    public required long TunnelStreamBytes { get; init; }

    /// <summary>
    /// pods/proxy through the tunnel, open loop: well below what the server core carries through the gateway and the
    /// simulated konnectivity-server together (at scenario 1's 500/s they queue, and dials through the tunnel pile up),
    /// so the figure is the latency the tunnel adds, not its saturation.
    /// </summary>
    public required double TunnelRate { get; init; }

    /// <summary>Port-forwards opened one after another per arm and round, for the time to a first byte.</summary>
    public required int StreamOpens { get; init; }

    /// <summary>Scenario 6: the mixes of followed logs held open while the gateway re-authorizes them, one after another in one sandbox.</summary>
    public required ReauthorizationMix[] ReauthorizationMixes { get; init; }

    /// <summary>Scenario 6: the gateway's <c>--stream-reauthorization-interval</c>, short so that rounds come often.</summary>
    public required TimeSpan ReauthorizationInterval { get; init; }

    /// <summary>Scenario 6: intervals watched per mix, once a whole round has covered every stream.</summary>
    public required int ReauthorizationIntervals { get; init; }
    /// <summary>Rolling restarts measured (scenario 7), each in a fresh sandbox with two replicas.</summary>
    public required int RollingRounds { get; init; }

    /// <summary>Short requests per second of each kind (get pod, pods/proxy) while the replicas are rolled.</summary>
    public required double RollingRate { get; init; }

    /// <summary>kubectl streams of each kind (watch, logs -f, exec, port-forward) held open through a roll.</summary>
    public required int RollingStreams { get; init; }

    /// <summary>The replicas' shutdown settings in scenario 7: the gateway's defaults in a full run, short ones in a smoke run.</summary>
    public required string[] RollingShutdown { get; init; }

    /// <summary>Scenario 8: exec streams opened and closed, and as many port-forwards, after the warm-up and the baseline.</summary>
    public required int LeakStreams { get; init; }

    /// <summary>Scenario 8: streams of each kind opened and closed before the baseline (JIT, pools and caches filled).</summary>
    public required int LeakWarmUp { get; init; }

    /// <summary>Scenario 8: streams open at once while they are opened and closed.</summary>
    public required int LeakConcurrency { get; init; }

    /// <summary>
    /// Scenario 8: how long the gateway's descriptors and threads must stay within a narrow band to count as settled
    /// (<see cref="Leaks.Settling"/>). A full run waits longer than the .NET thread pool's 20 s before an idle worker thread exits.
    /// </summary>
    public required TimeSpan LeakQuiet { get; init; }

    /// <summary>
    /// Scenario 8: the longest wait for the gateway to settle. A full run waits past the gateway's longest idle timeout
    /// for pooled upstream connections (90 s, the API server's) so that pooled connections are not taken for a leak.
    /// </summary>
    public required TimeSpan LeakSettleLimit { get; init; }

    /// <summary>The scenarios to run (<c>--only</c>); all of them by default.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    /// <summary>Every scenario, by the name its samples carry: 1 short, 4 handshakes, 2 streams and kubectl, 3 idle, 5 tunnel, 6 reauth, 7 rolling, 8 leaks.</summary>
    public static IReadOnlyList<string> AllScenarios { get; } = ["short", "handshakes", "streams", "kubectl", "idle", "tunnel", "reauth", "rolling", "leaks"];

    /// <summary>Some scenarios were left out: the report says so and bench/README.md is left alone.</summary>
    public bool Partial => Scenarios.Count < AllScenarios.Count;

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    /// <summary>The most one stream transfer may take before it is reported as a problem (a stuck stream never hangs the run).</summary>
    public required TimeSpan StepTimeout { get; init; }

    public static BenchSettings Full { get; } = new()
    {
        Smoke = false,
        StepTimeout = TimeSpan.FromMinutes(5),
        Rounds = 5,
        Rates = [500, 2000],
        WarmUp = TimeSpan.FromSeconds(3),
        WarmUpRequests = 200_000,
        RateDuration = rate => TimeSpan.FromSeconds(rate <= 500 ? 6 : 4),
        SaturationDuration = TimeSpan.FromSeconds(3),
        SaturationConcurrency = 64,
        HandshakeDuration = TimeSpan.FromSeconds(3),
        HandshakeConcurrency = 16,
        StreamBytes = 1L << 30,
        KubectlStreamBytes = 256L << 20,
        LogLines = 7000,
        LogWidth = 1024,
        LogReads = 8,
        IdleLevels = [1000, 5000, 10000],
        IdleRounds = 5,
        QuietInterval = TimeSpan.FromSeconds(5),
        TunnelStreamBytes = 128L << 20,
        TunnelRate = 100,
        StreamOpens = 100,
        ReauthorizationMixes = [new("10 users × 100 pods × 10", 10, 100, 10), new("all distinct: 100 users × 100 pods", 100, 100, 1)],
        ReauthorizationInterval = TimeSpan.FromSeconds(10),
        ReauthorizationIntervals = 3,
        RollingRounds = 2,
        RollingRate = 50,
        RollingStreams = 3,
        RollingShutdown = ["--Shutdown:ReadinessGracePeriod=00:00:05", "--Shutdown:DrainPeriod=00:00:30"],
        LeakStreams = 10000,
        LeakWarmUp = 500,
        LeakConcurrency = 48,
        LeakQuiet = TimeSpan.FromSeconds(25),
        LeakSettleLimit = TimeSpan.FromSeconds(150),
    };

    public static BenchSettings SmokeRun { get; } = new()
    {
        Smoke = true,
        StepTimeout = TimeSpan.FromSeconds(60),
        Rounds = 1,
        Rates = [200],
        WarmUp = TimeSpan.FromSeconds(0.5),
        WarmUpRequests = 500,
        RateDuration = _ => TimeSpan.FromSeconds(0.5),
        SaturationDuration = TimeSpan.FromSeconds(0.5),
        SaturationConcurrency = 16,
        HandshakeDuration = TimeSpan.FromSeconds(0.5),
        HandshakeConcurrency = 4,
        StreamBytes = 16L << 20,
        KubectlStreamBytes = 8L << 20,
        LogLines = 1000,
        LogWidth = 1024,
        LogReads = 1,
        IdleLevels = [50],
        IdleRounds = 1,
        QuietInterval = TimeSpan.FromSeconds(2),
        TunnelStreamBytes = 4L << 20,
        TunnelRate = 100,
        StreamOpens = 5,
        ReauthorizationMixes = [new("2 users × 10 pods × 5", 2, 10, 5), new("all distinct: 10 users × 10 pods", 10, 10, 1)],
        ReauthorizationInterval = TimeSpan.FromSeconds(2),
        ReauthorizationIntervals = 2,
        RollingRounds = 1,
        RollingRate = 20,
        RollingStreams = 1,
        RollingShutdown = ["--Shutdown:ReadinessGracePeriod=00:00:02", "--Shutdown:DrainPeriod=00:00:02"],
        LeakStreams = 300,
        LeakWarmUp = 50,
        LeakConcurrency = 16,
        LeakQuiet = TimeSpan.FromSeconds(3),
        LeakSettleLimit = TimeSpan.FromSeconds(30),
    };
}
