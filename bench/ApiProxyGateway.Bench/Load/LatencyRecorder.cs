using HdrHistogram;

namespace ApiProxyGateway.Bench.Load;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds (1 µs to 60 s, 3 significant digits) and an error count.</summary>
internal sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(60_000_000, 3);
    private readonly Lock _lock = new();
    private long _errors;

    public long Errors => Interlocked.Read(ref _errors);

    public string? FirstError { get; private set; }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public void Record(long microseconds)
    {
        lock (_lock)
        {
            _histogram.RecordValue(Math.Clamp(microseconds, 1, 60_000_000));
        }
    }

    public void Error(string message)
    {
        if (Interlocked.Increment(ref _errors) == 1)
        {
            FirstError = message;
        }
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100) in milliseconds.</summary>
    public double Milliseconds(double percentile)
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        }
    }
}
