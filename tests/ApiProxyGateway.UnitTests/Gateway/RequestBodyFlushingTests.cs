using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class RequestBodyFlushingTests
{
    [Fact]
    public async Task Send_BodyWrittenInPieces_EachPieceIsFlushedBeforeTheNextAndTheHeadersStay()
    {
        var upstream = new RecordingHandler();
        using var invoker = new HttpMessageInvoker(new RequestBodyFlushing { InnerHandler = upstream });
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://10.0.0.1/upload") { Content = new PiecesContent("a", "bc", "def") };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentLength = 6;

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["write a", "flush", "write bc", "flush", "write def", "flush"], upstream.Operations);
        Assert.Equal("application/octet-stream", upstream.ContentType);
        Assert.Equal(6, upstream.ContentLength);
    }

    [Fact]
    public async Task Send_BodyOfUnknownLength_StaysOfUnknownLength()
    {
        var upstream = new RecordingHandler();
        using var invoker = new HttpMessageInvoker(new RequestBodyFlushing { InnerHandler = upstream });
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://10.0.0.1/upload") { Content = new PiecesContent("a") };

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Null(upstream.ContentLength); // so HTTP/1.1 sends it chunked, as YARP's own content
        Assert.Equal(["write a", "flush"], upstream.Operations);
    }

    /// <summary>A body of unknown length written as the given pieces, one write each, never flushed by itself.</summary>
    private sealed class PiecesContent(params string[] pieces) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            foreach (var piece in pieces)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>An upstream that sends the body into a stream recording its writes and flushes, in order.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<string> Operations { get; } = [];

        public string? ContentType { get; private set; }

        public long? ContentLength { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ContentType = request.Content!.Headers.ContentType?.MediaType; // every request here has a body
            ContentLength = request.Content.Headers.ContentLength;
            await request.Content.CopyToAsync(new RecordingStream(Operations), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private sealed class RecordingStream(List<string> operations) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            operations.Add("write " + Encoding.ASCII.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            operations.Add("flush");
            return Task.CompletedTask;
        }
    }
}
