namespace ApiProxyGateway.Bench.Streams;

/// <summary>The names scenario 2's exec rows carry in samples, comparisons and the report.</summary>
internal static class StreamCases
{
    public const string ExecStdout = "exec stdout";

    /// <summary>The same exec through the gateway into the namespace it records (mode All: the JSON-lines recorder).</summary>
    public const string ExecStdoutRecorded = "exec stdout, recorded";
}
