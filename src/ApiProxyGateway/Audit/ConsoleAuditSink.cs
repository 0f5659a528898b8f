namespace ApiProxyGateway.Audit;

/// <summary>Audit lines on standard output, as kube-apiserver writes them with <c>--audit-log-path=-</c>.</summary>
internal sealed class ConsoleAuditSink : IAuditSink
{
    private readonly Stream _stdout = Console.OpenStandardOutput();

    public async Task WriteLineAsync(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        await _stdout.WriteAsync(json.Append((byte)'\n').ToArray());
        await _stdout.FlushAsync();
    }

    public async ValueTask DisposeAsync() => await _stdout.DisposeAsync();
}
