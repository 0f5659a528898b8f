using System.Diagnostics;
using System.Globalization;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// What one open-loop measurement's timeline says about whether its percentiles mean anything.
/// <list type="bullet">
/// <item><b>Stalled</b>: for <see cref="StallThreshold"/> or longer no request was answered while at least one was
/// outstanding (sent and not yet answered). At the rates measured an arm answers every millisecond or so; a gap of
/// 100 ms is a hundred times that, and everything due in it counts the gap in its latency.</item>
/// <item><b>Over saturation</b>: the arm answered less than <see cref="SustainedShare"/> of the offered rate, or
/// requests were not sent because <see cref="OpenLoopRunner"/>'s cap on requests in flight was reached: latency grows
/// with the length of the run and no percentile describes the arm.</item>
/// <item><b>Load generator behind</b>: a request was sent <see cref="StallThreshold"/> or more after it was due: the
/// generator itself paused (GC, its core taken), so the latency is partly its own.</item>
/// </list>
/// </summary>
internal sealed record StallAnalysis(
    long Offered,
    long Sent,
    long NotSent,
    long Answered,
    double AchievedShare,
    double LongestGapMilliseconds,
    double GapStartMilliseconds,
    int OutstandingAtGap,
    double MaxScheduleLagMilliseconds)
{
    public static readonly TimeSpan StallThreshold = TimeSpan.FromMilliseconds(100);

    public const double SustainedShare = 0.95;

    public bool Stalled => LongestGapMilliseconds >= StallThreshold.TotalMilliseconds;

    public bool OverSaturation => AchievedShare < SustainedShare || NotSent > 0;

    public bool GeneratorBehind => MaxScheduleLagMilliseconds >= StallThreshold.TotalMilliseconds;

    /// <summary>Whether the round's latency percentiles are kept out of medians.</summary>
    public bool Flagged => Stalled || OverSaturation || GeneratorBehind;

    /// <summary>
    /// Steps: collect the answered requests in order of their answer; the interval before each answer counts as a gap
    /// from the later of the previous answer and the earliest send among the requests still to be answered (so an idle
    /// arm with nothing outstanding is no stall); the achieved share is the requests answered by the time the last one
    /// was due (plus <see cref="StallThreshold"/> for the last ones' own latency) over those offered: an arm below its
    /// saturation answers them all, one over it falls behind by the difference.
    /// </summary>
    public static StallAnalysis Of(RequestTimeline timeline)
    {
        var answered = Enumerable.Range(0, (int)timeline.Count)
            .Where(i => timeline.Outcome[i] is RequestOutcome.Succeeded or RequestOutcome.Failed)
            .OrderBy(i => timeline.Done[i])
            .ToArray();
        var sent = timeline.Outcome.LongCount(o => o != RequestOutcome.NotSent && o != RequestOutcome.Pending);
        var notSent = timeline.Outcome.LongCount(o => o == RequestOutcome.NotSent);
        var lag = 0L;
        for (var i = 0; i < timeline.Count; i++)
        {
            if (timeline.Outcome[i] != RequestOutcome.Pending)
            {
                lag = Math.Max(lag, timeline.Sent[i] - timeline.Due[i]);
            }
        }

        // Earliest send among answers k.. (suffix minimum), to know whether anything was outstanding before answer k.
        var earliestSend = new long[answered.Length + 1];
        earliestSend[answered.Length] = long.MaxValue;
        for (var k = answered.Length - 1; k >= 0; k--)
        {
            earliestSend[k] = Math.Min(earliestSend[k + 1], timeline.Sent[answered[k]]);
        }

        long longest = 0, gapStart = 0, gapEnd = 0;
        var previous = timeline.Start;
        for (var k = 0; k < answered.Length; k++)
        {
            var from = Math.Max(previous, earliestSend[k]);
            var gap = timeline.Done[answered[k]] - from;
            if (gap > longest)
            {
                longest = gap;
                gapStart = from;
                gapEnd = timeline.Done[answered[k]];
            }

            previous = timeline.Done[answered[k]];
        }

        var outstandingAtGap = 0;
        for (var i = 0; i < timeline.Count && longest > 0; i++)
        {
            if (timeline.Outcome[i] is RequestOutcome.Succeeded or RequestOutcome.Failed && timeline.Sent[i] <= gapStart && timeline.Done[i] >= gapEnd)
            {
                outstandingAtGap++;
            }
        }

        var lastDue = timeline.Count == 0 ? timeline.Start : timeline.Due.Max();
        var deadline = lastDue + (long)(StallThreshold.TotalSeconds * Stopwatch.Frequency);
        var achieved = timeline.Count == 0 ? 1 : answered.Count(i => timeline.Done[i] <= deadline) / (double)timeline.Count;
        return new StallAnalysis(timeline.Count, sent, notSent, answered.Length, achieved, RequestTimeline.Milliseconds(longest), RequestTimeline.Milliseconds(gapStart - timeline.Start), outstandingAtGap, RequestTimeline.Milliseconds(lag));
    }

    /// <summary>One line for the log and the report: what was wrong with the round.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Stalled)
        {
            parts.Add(FormattableString.Invariant($"stalled: no answer for {LongestGapMilliseconds:F0} ms from {GapStartMilliseconds / 1000:F2} s with requests outstanding"));
        }

        if (OverSaturation)
        {
            parts.Add(FormattableString.Invariant($"over saturation: answered {AchievedShare:P0} of the requests offered by the end of the schedule") + (NotSent > 0 ? $", {NotSent.ToString(CultureInfo.InvariantCulture)} of {Offered.ToString(CultureInfo.InvariantCulture)} not sent (too many in flight)" : ""));
        }

        if (GeneratorBehind)
        {
            parts.Add(FormattableString.Invariant($"load generator behind its schedule by up to {MaxScheduleLagMilliseconds:F0} ms"));
        }

        return parts.Count == 0 ? "steady" : string.Join("; ", parts);
    }
}
