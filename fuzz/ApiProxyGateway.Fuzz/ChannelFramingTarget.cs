using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>channel-framing</c>: <see cref="ChannelFraming.Decode"/> for every WebSocket channel protocol variant (raw
/// v1/v4, v5 with close signals, base64 v1/v4; the message type plays no part), where only
/// <see cref="ChannelProtocolException"/> may come out; and Encode then Decode of the input (first byte the
/// channel, the rest the data) for binary, base64 and the close signal, which must give the input back.
/// </summary>
internal static class ChannelFramingTarget
{
    public static FuzzTarget Target { get; } = new(
        "channel-framing",
        "ChannelFraming.Decode for every channel protocol, and Encode/Decode round trips",
        ["ApiProxyGateway.Protocols.dll"],
        Run,
        Seeds);

    private static void Run(byte[] input)
    {
        var budget = AllocationBudget.Start(input.Length, baseline: 64 * 1024, perInputByte: 64);
        foreach (var protocol in StreamProtocols.RemoteCommandWebSocket)
        {
            try
            {
                ChannelFraming.Decode(input, StreamProtocols.IsBase64(protocol), protocol == StreamProtocols.RemoteCommandV5);
            }
            catch (ChannelProtocolException)
            {
                // The documented refusal.
            }
        }

        budget.Check("Decoding channel messages");
        if (input.Length == 0)
        {
            return;
        }

        var channel = input[0];
        var data = input.AsSpan(1);
        Expect(ChannelFraming.Encode(channel, data, base64: false), base64: false, closeSignals: channel != ChannelFraming.CloseSignal, channel, data);
        Expect(ChannelFraming.Encode((byte)(channel % 10), data, base64: true), base64: true, closeSignals: false, (byte)(channel % 10), data);
        var close = ChannelFraming.Decode([ChannelFraming.CloseSignal, channel], base64: false, closeSignals: true);
        if (close is not { IsCloseSignal: true } || close.Value.Channel != channel)
        {
            throw new FuzzFinding($"The close signal for channel {channel} did not come back as one.");
        }
    }

    private static void Expect((byte[] Payload, WebSocketMessageType Type) encoded, bool base64, bool closeSignals, byte channel, ReadOnlySpan<byte> data)
    {
        var decoded = ChannelFraming.Decode(encoded.Payload, base64, closeSignals);
        if (decoded is not { } message || message.Channel != channel || message.IsCloseSignal || !message.Data.Span.SequenceEqual(data))
        {
            throw new FuzzFinding($"Channel {channel} data ({data.Length} bytes, base64 {base64}) did not survive Encode and Decode.");
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        yield return ("v5-stdin", [0, .. "ls -l\n"u8]);
        yield return ("v5-resize", [4, .. "{\"Width\":120,\"Height\":40}"u8]);
        yield return ("v5-close-stdin", [255, 0]);
        yield return ("v5-open-notice", [1]);
        yield return ("v4-error-status", [3, .. "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\"}"u8]);
        yield return ("base64-stdin", Encoding.ASCII.GetBytes("0" + Convert.ToBase64String("ls -l\n"u8)));
        yield return ("base64-stdout", Encoding.ASCII.GetBytes("1" + Convert.ToBase64String("total 0\n"u8)));
        yield return ("base64-bad-padding", "0bHM="u8.ToArray());
    }
}
