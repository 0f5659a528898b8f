namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>Which standard streams an exec/attach asked for.</summary>
public sealed record RemoteCommandOptions
{
    public bool Stdin { get; init; }

    public bool Stdout { get; init; }

    public bool Stderr { get; init; }

    public bool Tty { get; init; }

    /// <summary>Whether a stderr stream exists: with a TTY, stderr is merged into stdout (as the kubelet does).</summary>
    public bool HasStderr => Stderr && !Tty;

    /// <summary>
    /// Reads the options from a query string in either spelling: the API server's <c>stdin=true</c> or the
    /// kubelet's <c>input=1</c> (<c>output</c>, <c>error</c>, <c>tty</c>).
    /// </summary>
    public static RemoteCommandOptions FromQuery(IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var set = query.Where(p => p.Value is "1" || string.Equals(p.Value, "true", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal);
        return new RemoteCommandOptions
        {
            Stdin = set.Contains("stdin") || set.Contains("input"),
            Stdout = set.Contains("stdout") || set.Contains("output"),
            Stderr = set.Contains("stderr") || set.Contains("error"),
            Tty = set.Contains("tty"),
        };
    }
}
