using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench.Report;

/// <summary>
/// Every comparison taken within the same round: latency added over direct (a difference, ms), throughput and
/// handshakes as a ratio to direct (streams also to the API server's path), and the gateway's saturation throughput
/// and CPU per request as a ratio to nginx's and HAProxy's; through the Konnectivity tunnel, latency added over and
/// throughput as a ratio to the gateway dialling directly (the direct arm cannot reach a pod behind the tunnel); the
/// recorded exec's throughput and CPU per GB as a ratio to the unrecorded one's.
/// </summary>
internal static class Comparisons
{
    /// <summary>The recorded exec against the same gateway's unrecorded one, in the same round.</summary>
    public const string RecordedRatio = "recorded ÷ not recorded";

    public static IReadOnlyList<Sample> Derive(IReadOnlyList<Sample> samples)
    {
        // Flagged rounds take part, so that a comparison with one is flagged too (and left out of medians, not missing).
        var kept = samples.Where(s => !s.Discarded && !double.IsNaN(s.Value)).ToList();
        var index = kept.ToDictionary(s => (s.Scenario, s.Case, s.Arm, s.Metric, s.Round));
        Sample? Find(Sample s, string arm) => index.GetValueOrDefault((s.Scenario, s.Case, arm, s.Metric, s.Round));
        var derived = new List<Sample>();
        foreach (var s in kept)
        {
            if (s.Scenario == "short" && s.Unit == "ms" && s.Arm != ArmNames.Direct && Find(s, ArmNames.Direct) is { } direct)
            {
                derived.Add(s with { Arm = s.Arm, Metric = "added " + s.Metric, Value = s.Value - direct.Value, Flag = s.Flag ?? direct.Flag });
            }

            if (s.Metric is "saturation" or "CPU per 1000 requests @saturation" or "CPU per 1000 requests @2000/s" && s.Arm == ArmNames.Gateway)
            {
                foreach (var other in new[] { ArmNames.Nginx, ArmNames.Haproxy, ArmNames.AspNetCore })
                {
                    if (Find(s, other) is { } o && o.Value > 0)
                    {
                        derived.Add(s with { Arm = $"gateway ÷ {other}", Metric = s.Metric + " ratio", Unit = "×", Value = s.Value / o.Value, Flag = s.Flag ?? o.Flag });
                    }
                }
            }

            if (s.Metric is "throughput" or "handshakes" && s.Arm != ArmNames.Direct && s.Scenario != "kubectl" && Find(s, ArmNames.Direct) is { Value: > 0 } d)
            {
                derived.Add(s with { Arm = $"{s.Arm} ÷ direct", Metric = s.Metric + " ratio", Unit = "×", Value = s.Value / d.Value, Flag = s.Flag ?? d.Flag });
            }

            if (s.Scenario == "tunnel" && s.Arm != ArmNames.Gateway && Find(s, ArmNames.Gateway) is { } dialled)
            {
                if (s.Unit == "ms")
                {
                    derived.Add(s with { Metric = "added " + s.Metric, Value = s.Value - dialled.Value, Flag = s.Flag ?? dialled.Flag });
                }
                else if (s.Metric == "throughput" && dialled.Value > 0)
                {
                    derived.Add(s with { Arm = $"{s.Arm} ÷ gateway", Metric = s.Metric + " ratio", Unit = "×", Value = s.Value / dialled.Value, Flag = s.Flag ?? dialled.Flag });
                }
            }

            if (s.Case == StreamCases.ExecStdoutRecorded && s.Metric is "throughput" or "CPU per GB"
                && index.GetValueOrDefault((s.Scenario, StreamCases.ExecStdout, s.Arm, s.Metric, s.Round)) is { Value: > 0 } unrecorded)
            {
                derived.Add(s with { Arm = RecordedRatio, Metric = s.Metric + " ratio", Unit = "×", Value = s.Value / unrecorded.Value });
            }

            if (s.Metric == "throughput" && s.Arm == ArmNames.Gateway && Find(s, ArmNames.ApiServer) is { Value: > 0 } a)
            {
                derived.Add(s with { Arm = "gateway ÷ apiserver", Metric = s.Metric + " ratio", Unit = "×", Value = s.Value / a.Value, Flag = s.Flag ?? a.Flag });
            }
        }

        return derived;
    }
}
