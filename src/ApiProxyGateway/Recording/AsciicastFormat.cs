using System.Globalization;
using System.Text;
using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Recording;

/// <summary>
/// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/), for terminal sessions: a header with the terminal
/// size, then <c>[time, "o", text]</c> for output, <c>"i"</c> for input, <c>"r"</c> for resizes and <c>"m"</c> for
/// the gateway's markers; <c>asciinema play</c> and <c>asciinema cat</c> read it. Output is decoded as UTF-8 across
/// chunk boundaries (a character split between two reads is written whole), invalid bytes as U+FFFD, as asciinema
/// itself records. Who, where and which audit event go in the header's <c>apiproxygateway</c> object.
/// </summary>
internal sealed class AsciicastFormat : RecordingFormat
{
    private static readonly TerminalSize DefaultSize = new(80, 24);

    private readonly Decoder _output = new UTF8Encoding(false, false).GetDecoder();
    private readonly Decoder _input = new UTF8Encoding(false, false).GetDecoder();

    public override string Extension => ".cast";

    public override void Header(Utf8JsonWriter json, RecordingHeader header, TerminalSize? size)
    {
        var terminal = size ?? DefaultSize;
        json.WriteStartObject();
        json.WriteNumber("version", 2);
        json.WriteNumber("width", terminal.Width);
        json.WriteNumber("height", terminal.Height);
        json.WriteNumber("timestamp", header.Started.ToUnixTimeSeconds());
        json.WriteString("command", string.Join(' ', header.Command));
        json.WriteString("title", string.Create(CultureInfo.InvariantCulture, $"{header.User} {header.Subresource} {header.Namespace}/{header.Pod}{(header.Container is { } c ? "/" + c : "")}"));
        json.WritePropertyName("apiproxygateway");
        JsonLinesFormat.WriteSession(json, header);
        json.WriteEndObject();
    }

    public override bool Data(Utf8JsonWriter json, double seconds, RecordedChannel channel, ReadOnlySpan<byte> data)
    {
        var (code, decoder) = channel switch
        {
            RecordedChannel.Stdout or RecordedChannel.Stderr => ("o", _output),
            RecordedChannel.Stdin => ("i", _input),
            _ => (null, null),
        };
        if (code is null || decoder is null)
        {
            return false;
        }

        var text = Decode(decoder, data);
        if (text.Length == 0)
        {
            return false;
        }

        Event(json, seconds, code, text);
        return true;
    }

    public override void Resize(Utf8JsonWriter json, double seconds, TerminalSize size) =>
        Event(json, seconds, "r", string.Create(CultureInfo.InvariantCulture, $"{size.Width}x{size.Height}"));

    public override bool CapReached(Utf8JsonWriter json, double seconds, long cap)
    {
        Event(json, seconds, "m", string.Create(CultureInfo.InvariantCulture, $"recording stopped after {cap} bytes; the session went on"));
        return true;
    }

    public override bool End(Utf8JsonWriter json, double seconds, IReadOnlyDictionary<RecordedChannel, ChannelTotals> totals) => false;

    private static string Decode(Decoder decoder, ReadOnlySpan<byte> data)
    {
        var chars = new char[decoder.GetCharCount(data, flush: false)];
        var count = decoder.GetChars(data, chars, flush: false);
        return new string(chars, 0, count);
    }

    private static void Event(Utf8JsonWriter json, double seconds, string code, string data)
    {
        json.WriteStartArray();
        json.WriteNumberValue(Math.Round(seconds, 6));
        json.WriteStringValue(code);
        json.WriteStringValue(data);
        json.WriteEndArray();
    }
}
