using System.Collections;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// The name/value block of a SYN_STREAM, SYN_REPLY or HEADERS frame. Names compare case-insensitively and are
/// stored lower-case: moby/spdystream (kubectl, kubelets) treats an upper-case name as a fatal framing error and
/// drops the whole connection, and it reads names back through Go's canonicalising <c>http.Header</c>.
/// </summary>
public sealed class SpdyHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.Value;
                }
            }

            return null;
        }
    }

    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _entries.Add(new(name.ToLowerInvariant(), value));
    }

    public IEnumerable<string> GetValues(string name) =>
        _entries.Where(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase)).Select(e => e.Value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _entries.Select(e => $"{e.Key}: {e.Value}"));
}
