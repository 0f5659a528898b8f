namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// One line of container output as the CRI log keeps it: when it was received, from which stream, and its bytes
/// (ending in a newline unless it is a partial line cut at the end of output or at the line-length limit).
/// </summary>
internal sealed record LogLine(DateTimeOffset Time, string Stream, ReadOnlyMemory<byte> Content)
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
}
