using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using ApiProxyGateway.Forwarding;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>A watch ends at the drain between two events, never inside one, whatever the API server sends meanwhile.</summary>
public sealed class WatchEndingStreamTests
{
    [Fact]
    public async Task ReadAsync_DrainWhileWaitingBetweenJsonEvents_EndsTheStream()
    {
        var upstream = new Pipe();
        using var drain = new CancellationTokenSource();
        await using var watch = new WatchEndingStream(upstream.Reader.AsStream(), lengthPrefixed: false, drain.Token);
        await upstream.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"type\":\"ADDED\"}\n"), TestContext.Current.CancellationToken);
        var buffer = new byte[64];

        Assert.Equal(17, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));
        var waiting = watch.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);
        await drain.CancelAsync();

        Assert.Equal(0, await waiting);
        Assert.True(watch.EndedByDrain);
    }

    [Fact]
    public async Task ReadAsync_DrainInsideAJsonEvent_RelaysTheRestOfTheEventFirst()
    {
        var upstream = new Pipe();
        using var drain = new CancellationTokenSource();
        await using var watch = new WatchEndingStream(upstream.Reader.AsStream(), lengthPrefixed: false, drain.Token);
        await upstream.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"type\":"), TestContext.Current.CancellationToken);
        var buffer = new byte[64];
        Assert.Equal(8, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));

        await drain.CancelAsync();
        await upstream.Writer.WriteAsync(Encoding.UTF8.GetBytes("\"ADDED\"}\n"), TestContext.Current.CancellationToken);

        Assert.Equal(9, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));
        Assert.Equal(0, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_DrainInsideAProtobufFrame_EndsAfterTheFrame()
    {
        var upstream = new Pipe();
        using var drain = new CancellationTokenSource();
        await using var watch = new WatchEndingStream(upstream.Reader.AsStream(), lengthPrefixed: true, drain.Token);
        var frame = new byte[4 + 10];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 10);
        await upstream.Writer.WriteAsync(frame.AsMemory(0, 6), TestContext.Current.CancellationToken); // the length and 2 of its 10 bytes
        var buffer = new byte[64];
        Assert.Equal(6, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));

        await drain.CancelAsync();
        await upstream.Writer.WriteAsync(frame.AsMemory(6), TestContext.Current.CancellationToken);

        Assert.Equal(8, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));
        Assert.Equal(0, await watch.ReadAsync(buffer, TestContext.Current.CancellationToken));
    }
}
