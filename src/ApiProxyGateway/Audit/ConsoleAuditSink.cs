namespace ApiProxyGateway.Audit;

/// <summary>Audit lines on standard output, as kube-apiserver writes them with <c>--audit-log-path=-</c>.</summary>
internal sealed class ConsoleAuditSink : IAuditSink
{
    private readonly Stream _stdout = Console.OpenStandardOutput();

    private static readonly byte[] NewLine = [(byte)'\n'];

    public async ValueTask WriteLineAsync(ReadOnlyMemory<byte> json)
    {
        await _stdout.WriteAsync(json);
        await _stdout.WriteAsync(NewLine);
    }

    public Task FlushAsync() => _stdout.FlushAsync();

    public async ValueTask DisposeAsync() => await _stdout.DisposeAsync();
}
