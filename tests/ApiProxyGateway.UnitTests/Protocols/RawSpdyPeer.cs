using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// A hand-driven SPDY endpoint that behaves like moby/spdystream where it matters: it never sends SETTINGS or
/// WINDOW_UPDATE and never looks at windows. Tests use it to script exact frame sequences.
/// </summary>
internal sealed class RawSpdyPeer(DuplexPipeStream transport)
{
    private readonly SpdyFrameWriter _writer = new();
    private readonly SpdyFrameReader _reader = new();

    /// <summary>Writes a frame; returns false if the transport made the writer wait (backpressure).</summary>
    public async Task<bool> SendAsync(SpdyFrame frame, CancellationToken cancellationToken)
    {
        _writer.Write(frame, transport.Output);
        var flush = transport.Output.FlushAsync(cancellationToken);
        var immediate = flush.IsCompleted;
        await flush;
        return immediate;
    }

    public async Task<SpdyFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await transport.Input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (_reader.TryRead(ref buffer, out var frame))
            {
                // Only what was consumed counts as examined: more whole frames may already be buffered.
                transport.Input.AdvanceTo(buffer.Start);
                return frame;
            }

            transport.Input.AdvanceTo(buffer.Start, buffer.End);

            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads frames until one matches, skipping the rest (SETTINGS, WINDOW_UPDATE, ...).</summary>
    public async Task<T> ReceiveAsync<T>(CancellationToken cancellationToken, Func<T, bool>? match = null)
        where T : SpdyFrame
    {
        while (true)
        {
            var frame = await ReceiveAsync(cancellationToken) ?? throw new EndOfStreamException($"No {typeof(T).Name} before the end.");
            if (frame is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }
}
