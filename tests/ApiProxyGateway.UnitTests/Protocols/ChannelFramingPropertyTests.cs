using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>Channel framing against generated messages: what is encoded decodes back, and anything else is refused cleanly.</summary>
public sealed class ChannelFramingPropertyTests
{
    private static readonly Gen<byte[]> Data = Gen.Byte.Array[0, 300];

    [Fact]
    public void Binary_EncodeThenDecode_GivesTheChannelAndDataBack()
    {
        Gen.Select(Gen.Byte, Data, Gen.Bool).Sample((channel, data, v5) =>
        {
            var (payload, type) = ChannelFraming.Encode(channel, data, base64: false);

            var decoded = ChannelFraming.Decode(payload, base64: false, closeSignals: v5 && channel != ChannelFraming.CloseSignal);

            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal((channel, false), (decoded!.Value.Channel, decoded.Value.IsCloseSignal));
            Assert.Equal(data, decoded.Value.Data.ToArray());
        });
    }

    [Fact]
    public void Base64_EncodeThenDecode_GivesTheChannelAndDataBack()
    {
        Gen.Select(Gen.Byte[0, 9], Data).Sample((channel, data) =>
        {
            var (payload, type) = ChannelFraming.Encode(channel, data, base64: true);

            var decoded = ChannelFraming.Decode(payload, base64: true, closeSignals: false);

            Assert.Equal(WebSocketMessageType.Text, type);
            Assert.Equal(channel, decoded!.Value.Channel);
            Assert.Equal(data, decoded.Value.Data.ToArray());
        });
    }

    [Fact]
    public void CloseSignal_ForAnyChannel_DecodesAsTheCloseOfThatChannel()
    {
        Gen.Byte.Sample(channel =>
        {
            var decoded = ChannelFraming.Decode([ChannelFraming.CloseSignal, channel], base64: false, closeSignals: true);

            Assert.Equal((channel, true, 0), (decoded!.Value.Channel, decoded.Value.IsCloseSignal, decoded.Value.Data.Length));
        });
    }

    [Fact]
    public void Decode_ArbitraryMessageForEveryProtocol_IsAMessageOrAChannelProtocolException()
    {
        var message = Gen.OneOf(Data, Gen.Select(Gen.Char['0', '9'], Gen.Char.AlphaNumeric.Array[0, 40], (c, text) => System.Text.Encoding.ASCII.GetBytes(c + new string(text))));
        var protocols = StreamProtocols.RemoteCommandWebSocket;
        var protocolGen = Gen.Int[0, protocols.Count - 1].Select(i => protocols[i]);
        Gen.Select(message, protocolGen).Sample((bytes, protocol) =>
        {
            try
            {
                var decoded = ChannelFraming.Decode(bytes, StreamProtocols.IsBase64(protocol), protocol == StreamProtocols.RemoteCommandV5);

                Assert.Equal(bytes.Length == 0, decoded is null);
            }
            catch (ChannelProtocolException ex)
            {
                Assert.True(ex.CloseStatus is WebSocketCloseStatus.ProtocolError or WebSocketCloseStatus.InvalidMessageType or WebSocketCloseStatus.InvalidPayloadData);
                Assert.True(System.Text.Encoding.UTF8.GetByteCount(ex.Message) <= 123, "a close reason must fit in a close frame");
            }
        }, iter: 5000);
    }
}
