namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// The last requests the simulated API server received (bounded), so tests can assert exactly which identity
/// headers arrived. Entries appear when the request has been authenticated, before its handler runs.
/// </summary>
public sealed class RequestLog(int capacity = 2_000)
{
    private readonly Lock _lock = new();
    private readonly Queue<RequestLogEntry> _entries = new();

    public IReadOnlyList<RequestLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    internal void Add(RequestLogEntry entry)
    {
        lock (_lock)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > capacity)
            {
                _entries.Dequeue();
            }
        }
    }
}
