namespace ApiProxyGateway.Audit;

/// <summary>
/// Audit lines on standard output, as kube-apiserver writes them with <c>--audit-log-path=-</c>: each line and its
/// newline in one write, so that on a pipe (a container's standard output) a console log line cannot land inside a line
/// of up to 4 KiB (PIPE_BUF; longer writes to a pipe are not atomic).
/// </summary>
internal sealed class ConsoleAuditSink : IAuditSink
{
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private byte[] _line = new byte[4096];

    public async ValueTask WriteLineAsync(ReadOnlyMemory<byte> json)
    {
        if (_line.Length < json.Length + 1)
        {
            _line = new byte[Math.Max(json.Length + 1, _line.Length * 2)];
        }

        json.CopyTo(_line);
        _line[json.Length] = (byte)'\n';
        await _stdout.WriteAsync(_line.AsMemory(0, json.Length + 1));
    }

    public Task FlushAsync() => _stdout.FlushAsync();

    public async ValueTask DisposeAsync() => await _stdout.DisposeAsync();
}
