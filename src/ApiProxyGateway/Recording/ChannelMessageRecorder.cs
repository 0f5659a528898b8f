using System.Buffers;
using System.Buffers.Text;
using ApiProxyGateway.Protocols.WebSockets;

namespace ApiProxyGateway.Recording;

/// <summary>
/// Reads the remote-command channel protocols out of one direction of a WebSocket that passes through byte for byte:
/// each message's first byte names the channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; in the base64 codecs
/// the digit character, with the rest base64, decoded here as it arrives), the rest goes to the recording; only the
/// channels its side sends (a client's message on stdout reaches no one, and must not read as output).
/// </summary>
internal sealed class ChannelMessageRecorder(SessionRecording recording, bool base64, bool fromClient) : IWebSocketMessageObserver
{
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;
    private bool _awaitingChannel;
    private RecordedChannel? _channel;

    public void Payload(ReadOnlySpan<byte> payload, bool messageStart, bool messageEnd)
    {
        if (messageStart)
        {
            _awaitingChannel = true;
            _channel = null;
            _carryLength = 0;
        }

        if (_awaitingChannel && !payload.IsEmpty)
        {
            _awaitingChannel = false;
            _channel = Channel(base64 ? payload[0] - '0' : payload[0]) is { } named && RecordedChannels.Sends(named, fromClient) ? named : null;
            payload = payload[1..];
        }

        if (_channel is not { } channel)
        {
            return;
        }

        if (!base64)
        {
            recording.Write(channel, payload);
            return;
        }

        Decode(channel, payload, messageEnd);
    }

    private static RecordedChannel? Channel(int number) => number switch
    {
        0 => RecordedChannel.Stdin,
        1 => RecordedChannel.Stdout,
        2 => RecordedChannel.Stderr,
        3 => RecordedChannel.Error,
        4 => RecordedChannel.Resize,
        _ => null, // v5's close signal (255), or a channel nobody reads
    };

    /// <summary>Decodes base64 as it arrives, carrying an incomplete quad to the next piece.</summary>
    private void Decode(RecordedChannel channel, ReadOnlySpan<byte> text, bool final)
    {
        var input = ArrayPool<byte>.Shared.Rent(_carryLength + text.Length);
        var output = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(_carryLength + text.Length) + 3);
        try
        {
            _carry.AsSpan(0, _carryLength).CopyTo(input);
            text.CopyTo(input.AsSpan(_carryLength));
            var length = _carryLength + text.Length;
            var status = Base64.DecodeFromUtf8(input.AsSpan(0, length), output, out var consumed, out var written, isFinalBlock: final);
            if (status is not (OperationStatus.Done or OperationStatus.NeedMoreData))
            {
                _channel = null; // not base64: the rest of the message is not recorded
                return;
            }

            recording.Write(channel, output.AsSpan(0, written));
            _carryLength = Math.Min(length - consumed, _carry.Length);
            input.AsSpan(consumed, _carryLength).CopyTo(_carry);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
