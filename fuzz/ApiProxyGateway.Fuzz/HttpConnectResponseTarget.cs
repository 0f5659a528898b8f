using System.Text;
using ApiProxyGateway.Egress;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>http-connect-response</c>: <see cref="HttpConnectHandshake.RunAsync"/> reading a Konnectivity server's answer
/// to CONNECT from arbitrary bytes, delivered in input-driven chunks. It must open the tunnel only on a 200 head with
/// nothing after it (in what has arrived), and otherwise fail with an <see cref="EgressException"/> whose message is one printable line
/// of bounded length (it reaches a Status and a log); never another exception, within an allocation budget.
/// </summary>
internal static class HttpConnectResponseTarget
{
    private const string Proxy = "the Konnectivity server (HTTPConnect over unix:/run/k.sock)";
    private const int MaxMessage = 2048;

    public static FuzzTarget Target { get; } = new(
        "http-connect-response",
        "HttpConnectHandshake.RunAsync over an arbitrary answer to CONNECT, in chunks chosen by the first byte",
        ["ApiProxyGateway.dll"],
        Run,
        Seeds);

    private static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var chunk = (input[0] % 64) + 1;
        using var connection = new ScriptedConnection(input.AsMemory(1), chunk);
        var budget = AllocationBudget.Start(input.Length, baseline: 256 * 1024, perInputByte: 64);
        try
        {
            HttpConnectHandshake.RunAsync(connection, "10.0.0.5:10250", Proxy, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (EgressException e)
        {
            budget.Check("Refusing an answer to CONNECT");
            if (e.Message.Length > MaxMessage || e.Message.Any(char.IsControl))
            {
                throw new FuzzFinding($"The refusal's message is not one short printable line: {e.Message.Length} characters.");
            }

            return;
        }

        budget.Check("Accepting an answer to CONNECT");
        // Bytes after the head may still be on their way when it ends a read, so only the head is judged here.
        var answer = Encoding.Latin1.GetString(input, 1, input.Length - 1);
        var headEnd = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var status = headEnd < 0 ? [] : answer[..answer.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ', 3);
        if (status is not [("HTTP/1.1" or "HTTP/1.0"), "200", ..])
        {
            throw new FuzzFinding("A tunnel was opened on an answer whose head is not a 200.");
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        string[] answers =
        [
            "HTTP/1.1 200 Connection Established\r\n\r\n",
            "HTTP/1.0 200 OK\r\nProxy-Agent: test\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\ncurrently no tunnels available: No agent available",
            "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 13\r\n\r\nbackend error and more",
            "HTTP/1.1 200 OK\r\n\r\nSSH-2.0",
            "SSH-2.0-OpenSSH\r\n\r\n",
        ];
        return answers.Select((a, i) => ($"answer-{i}", (byte[])[(byte)(i * 7), .. Encoding.Latin1.GetBytes(a)]));
    }

    /// <summary>A connection whose peer answers with the input, a chunk at a time, and then closes; what is written is dropped.</summary>
    private sealed class ScriptedConnection(ReadOnlyMemory<byte> answer, int chunk) : Stream
    {
        private ReadOnlyMemory<byte> _left = answer;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), _left.Length);
            _left.Span[..n].CopyTo(buffer);
            _left = _left[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
