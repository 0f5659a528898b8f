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
    /// Reads the options as kube-apiserver's parameter codec reads a <c>PodExecOptions</c> or <c>PodAttachOptions</c>
    /// query: the names <c>stdin</c>, <c>stdout</c>, <c>stderr</c> and <c>tty</c>, each by its first value
    /// (<paramref name="first"/>: null when absent), as <see cref="ParameterCodec.Bool"/>. The kubelet's names
    /// (<c>input</c>, <c>output</c>, <c>error</c>) mean nothing here, as they mean nothing to kube-apiserver.
    /// </summary>
    public static RemoteCommandOptions From(Func<string, string?> first)
    {
        ArgumentNullException.ThrowIfNull(first);
        return new RemoteCommandOptions
        {
            Stdin = ParameterCodec.Bool(first("stdin")),
            Stdout = ParameterCodec.Bool(first("stdout")),
            Stderr = ParameterCodec.Bool(first("stderr")),
            Tty = ParameterCodec.Bool(first("tty")),
        };
    }

    /// <summary>As <see cref="From"/>, from name/value pairs: every value of a repeated name, in order.</summary>
    public static RemoteCommandOptions FromQuery(IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            first.TryAdd(name, value ?? "");
        }

        return From(first.GetValueOrDefault);
    }
}
