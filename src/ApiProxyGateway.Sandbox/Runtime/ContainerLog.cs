namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// The log of one container instance, bounded in memory (oldest lines dropped first, as log rotation would). Readers
/// take a snapshot from a sequence number and wait on <see cref="LogSnapshot.Changed"/> to follow.
/// </summary>
internal sealed class ContainerLog(long maxBytes = ContainerLog.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 8 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly List<LogLine> _lines = [];
    private long _first;
    private long _bytes;
    private bool _complete;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Append(LogLine line)
    {
        lock (_lock)
        {
            if (_complete)
            {
                return;
            }

            _lines.Add(line);
            _bytes += line.Content.Length;
            var drop = 0;
            while (_bytes > maxBytes && drop < _lines.Count - 1)
            {
                _bytes -= _lines[drop++].Content.Length;
            }

            if (drop > 0)
            {
                _lines.RemoveRange(0, drop);
                _first += drop;
            }

            Signal();
        }
    }

    /// <summary>No more lines will come (the process exited and its output was drained).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _complete = true;
            Signal();
        }
    }

    /// <summary>The retained lines from <paramref name="from"/> on (or from the oldest retained one).</summary>
    public LogSnapshot Read(long from = 0)
    {
        lock (_lock)
        {
            var start = (int)Math.Max(0, from - _first);
            var lines = start < _lines.Count ? _lines.GetRange(start, _lines.Count - start) : [];
            return new LogSnapshot(lines, _first + _lines.Count, _complete, _changed.Task);
        }
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
