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
    /// query (<c>runtime.Convert_Slice_string_To_bool</c>): the names <c>stdin</c>, <c>stdout</c>, <c>stderr</c> and
    /// <c>tty</c>, each by its first value; absent is false, <c>0</c> and <c>false</c> (any case) are false, any other
    /// value, the empty one included, is true. The kubelet's names (<c>input</c>, <c>output</c>, <c>error</c>) mean
    /// nothing here, as they mean nothing to kube-apiserver. Pass every value of a repeated name, in order.
    /// </summary>
    public static RemoteCommandOptions FromQuery(IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            first.TryAdd(name, value ?? "");
        }

        bool Bool(string name) =>
            first.TryGetValue(name, out var value) && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

        return new RemoteCommandOptions { Stdin = Bool("stdin"), Stdout = Bool("stdout"), Stderr = Bool("stderr"), Tty = Bool("tty") };
    }
}
