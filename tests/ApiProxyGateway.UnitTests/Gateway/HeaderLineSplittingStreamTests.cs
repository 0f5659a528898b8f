using System.Text;
using ApiProxyGateway.Upstreams;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class HeaderLineSplittingStreamTests
{
    private const string PlaceholderHead =
        "GET /api HTTP/1.1\r\nHost: x\r\nX-Apg-Line-0: Impersonate-Group: a, b\r\nX-Apg-Line-1: Impersonate-Group: c\r\nContent-Length: 5\r\n\r\n";

    private const string RewrittenHead =
        "GET /api HTTP/1.1\r\nHost: x\r\nImpersonate-Group: a, b\r\nImpersonate-Group: c\r\nContent-Length: 5\r\n\r\n";

    [Fact]
    public async Task Write_HeadWithPlaceholders_WritesOneLinePerValue()
    {
        var output = await WriteAsync([PlaceholderHead + "hello"]);

        Assert.Equal(RewrittenHead + "hello", output);
    }

    [Fact]
    public async Task Write_BodyThatLooksLikeAPlaceholder_IsLeftUntouched()
    {
        const string body = "\r\nX-Apg-Line-9: Impersonate-Group: system:masters\r\n\r\n";
        var head = $"POST /api HTTP/1.1\r\nContent-Length: {body.Length}\r\n\r\n";
        var second = "GET /next HTTP/1.1\r\nX-Apg-Line-0: Impersonate-User: bob\r\n\r\n";

        var output = await WriteAsync([head + body + second]);

        Assert.Equal(head + body + "GET /next HTTP/1.1\r\nImpersonate-User: bob\r\n\r\n", output);
    }

    [Fact]
    public async Task Write_ChunkedBodyWithTrailers_RewritesOnlyTheNextHead()
    {
        const string chunked = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nX-Apg\r\n1a\r\n-Line-0: Impersonate-User:\r\n0\r\nTrailer: t\r\n\r\n";
        const string next = "GET /b HTTP/1.1\r\nX-Apg-Line-0: Impersonate-User: carol\r\n\r\n";

        var output = await WriteAsync([chunked + next]);

        Assert.Equal(chunked + "GET /b HTTP/1.1\r\nImpersonate-User: carol\r\n\r\n", output);
    }

    [Fact]
    public async Task Write_AfterAcceptedUpgrade_PassesEverythingRaw()
    {
        var inner = new DuplexBuffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\n\r\n");
        await using var stream = new HeaderLineSplittingStream(inner);
        await stream.WriteAsync(Encoding.Latin1.GetBytes("POST /exec HTTP/1.1\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\n"), TestContext.Current.CancellationToken);
        Assert.True(await stream.ReadAsync(new byte[64], TestContext.Current.CancellationToken) >= 12);

        await stream.WriteAsync("X-Apg-Line-0: raw bytes\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.EndsWith("\r\n\r\nX-Apg-Line-0: raw bytes\r\n\r\n", inner.Written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_UpgradeAnsweredToAReadPendingBeforeTheHead_PassesTheUpgradedBytesRaw()
    {
        // A reused connection: HttpClient's idle check has a read pending when the upgrade head is written, and the
        // kubelet's 101 (with the first SPDY frame) completes that read before the head's write has returned.
        var inner = new AnsweringStream(Encoding.Latin1.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\n\r\n\x80\x03\x00\x04"));
        await using var stream = new HeaderLineSplittingStream(inner);
        var pendingRead = stream.ReadAsync(new byte[4096], TestContext.Current.CancellationToken);

        await stream.WriteAsync(Encoding.Latin1.GetBytes("POST /portForward/demo/web HTTP/1.1\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\n"), TestContext.Current.CancellationToken);
        await pendingRead;
        inner.Respond(Encoding.Latin1.GetBytes("\x80\x03\x00\x02 a SYN_REPLY, not a status line"));
        Assert.True(await stream.ReadAsync(new byte[4096], TestContext.Current.CancellationToken) > 0);
        await stream.WriteAsync(Encoding.Latin1.GetBytes("\x80\x03\x00\x01 a SYN_STREAM"), TestContext.Current.CancellationToken);

        Assert.EndsWith("\r\n\r\n\x80\x03\x00\x01 a SYN_STREAM", inner.Written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_AfterRefusedUpgrade_RewritesTheNextHead()
    {
        var inner = new DuplexBuffer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        await using var stream = new HeaderLineSplittingStream(inner);
        await stream.WriteAsync(Encoding.Latin1.GetBytes("GET /exec HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"), TestContext.Current.CancellationToken);
        Assert.True(await stream.ReadAsync(new byte[64], TestContext.Current.CancellationToken) >= 12);

        await stream.WriteAsync(Encoding.Latin1.GetBytes("GET /x HTTP/1.1\r\nX-Apg-Line-0: Impersonate-User: dan\r\n\r\n"), TestContext.Current.CancellationToken);

        Assert.EndsWith("GET /x HTTP/1.1\r\nImpersonate-User: dan\r\n\r\n", inner.Written, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AnySplitOfTheByteStream_ProducesTheSameOutput()
    {
        var input = PlaceholderHead + "hello" + "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + PlaceholderHead + "world";
        var expected = RewrittenHead + "hello" + "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + RewrittenHead + "world";

        Gen.Int[1, input.Length].Array[0, 12].Sample(cuts =>
        {
            var points = cuts.Distinct().Order().ToArray();
            var pieces = new List<string>();
            var start = 0;
            foreach (var point in points)
            {
                pieces.Add(input[start..point]);
                start = point;
            }

            pieces.Add(input[start..]);
            return WriteAsync(pieces).GetAwaiter().GetResult() == expected;
        });
    }

    private static async Task<string> WriteAsync(IEnumerable<string> pieces)
    {
        var inner = new DuplexBuffer("");
        await using var stream = new HeaderLineSplittingStream(inner);
        foreach (var piece in pieces)
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(piece));
        }

        return inner.Written;
    }

    /// <summary>
    /// Records what is written; a read waits until <see cref="Respond"/>, and the first request head written
    /// answers the read already pending, inside the write, as a fast peer's response can.
    /// </summary>
    private sealed class AnsweringStream(byte[] firstResponse) : MemoryStream
    {
        private readonly MemoryStream _written = new();
        private TaskCompletionSource<byte[]> _next = new();
        private bool _answered;

        public string Written => Encoding.Latin1.GetString(_written.ToArray());

        public void Respond(byte[] data) => _next.SetResult(data);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _written.WriteAsync(buffer, cancellationToken);
            if (!_answered)
            {
                _answered = true;
                Respond(firstResponse);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var data = await _next.Task;
            _next = new TaskCompletionSource<byte[]>();
            data.CopyTo(buffer);
            return data.Length;
        }
    }

    /// <summary>Records what is written and serves a fixed response to reads.</summary>
    private sealed class DuplexBuffer(string response) : MemoryStream
    {
        private readonly MemoryStream _written = new();
        private readonly MemoryStream _response = new(Encoding.Latin1.GetBytes(response));

        public string Written => Encoding.Latin1.GetString(_written.ToArray());

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _written.WriteAsync(buffer, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _response.ReadAsync(buffer, cancellationToken);
    }
}
