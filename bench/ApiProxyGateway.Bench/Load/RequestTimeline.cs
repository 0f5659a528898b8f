using System.Diagnostics;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// When each request of one open-loop measurement was due, sent and answered (Stopwatch ticks), and how it ended;
/// what <see cref="StallAnalysis"/> reads to tell a stall from a steady state. Each slot is written by one request only.
/// </summary>
internal sealed class RequestTimeline
{
    public RequestTimeline(long count, long start)
    {
        Start = start;
        Due = new long[count];
        Sent = new long[count];
        Done = new long[count];
        Outcome = new RequestOutcome[count];
    }

    public long Start { get; }

    public long[] Due { get; }

    public long[] Sent { get; }

    public long[] Done { get; }

    public RequestOutcome[] Outcome { get; }

    public long Count => Due.Length;

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>One line per request (ms from the start: due, sent, done; outcome), for looking at a stalled round.</summary>
    public void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("i,due_ms,sent_ms,done_ms,latency_ms,outcome");
        for (var i = 0; i < Count; i++)
        {
            var done = Outcome[i] == RequestOutcome.NotSent ? double.NaN : Milliseconds(Done[i] - Start);
            writer.WriteLine(FormattableString.Invariant($"{i},{Milliseconds(Due[i] - Start):F3},{Milliseconds(Sent[i] - Start):F3},{done:F3},{done - Milliseconds(Due[i] - Start):F3},{Outcome[i]}"));
        }
    }
}

/// <summary>How one open-loop request ended.</summary>
internal enum RequestOutcome : byte
{
    /// <summary>Not sent: the scheduler had not reached it (a cancelled run).</summary>
    Pending,
    Succeeded,
    Failed,

    /// <summary>Not sent because the cap on requests in flight was reached (the arm fell far behind).</summary>
    NotSent,
}
