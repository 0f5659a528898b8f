using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Recording;

/// <summary>
/// The recording of a session without a terminal: JSON lines (README, "Session recording"). A header
/// (<c>{"version":1,"kind":"apiproxygateway.io/session", ...who and where}</c>), then one line per chunk with its time,
/// channel and base64 data (<c>{"t":0.52,"channel":"stdout","data":"..."}</c>), resizes, the note that the byte cap
/// was reached, and an end line with every channel's size, recorded size and SHA-256.
/// </summary>
internal sealed class JsonLinesFormat : RecordingFormat
{
    public const string Kind = "apiproxygateway.io/session";

    public override string Extension => ".jsonl";

    /// <summary>The session's who and where, as one JSON object (also the asciicast header's <c>apiproxygateway</c>).</summary>
    public static void WriteSession(Utf8JsonWriter json, RecordingHeader header)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(header);
        json.WriteStartObject();
        json.WriteString("auditID", header.AuditId);
        json.WriteString("user", header.User);
        json.WriteStartArray("groups");
        foreach (var group in header.Groups)
        {
            json.WriteStringValue(group);
        }

        json.WriteEndArray();
        json.WriteString("namespace", header.Namespace);
        json.WriteString("pod", header.Pod);
        if (header.Container is { } container)
        {
            json.WriteString("container", container);
        }

        json.WriteString("subresource", header.Subresource);
        json.WriteStartArray("command");
        foreach (var part in header.Command)
        {
            json.WriteStringValue(part);
        }

        json.WriteEndArray();
        json.WriteBoolean("tty", header.Tty);
        json.WriteString("started", header.Started);
        json.WriteEndObject();
    }

    public override void Header(Utf8JsonWriter json, RecordingHeader header, TerminalSize? size)
    {
        json.WriteStartObject();
        json.WriteNumber("version", 1);
        json.WriteString("kind", Kind);
        json.WritePropertyName("session");
        WriteSession(json, header);
        json.WriteEndObject();
    }

    public override bool Data(Utf8JsonWriter json, double seconds, RecordedChannel channel, ReadOnlySpan<byte> data)
    {
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(seconds, 6));
        json.WriteString("channel", Name(channel));
        json.WriteBase64String("data", data);
        json.WriteEndObject();
        return true;
    }

    public override void Resize(Utf8JsonWriter json, double seconds, TerminalSize size)
    {
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(seconds, 6));
        json.WriteString("channel", Name(RecordedChannel.Resize));
        json.WriteNumber("width", size.Width);
        json.WriteNumber("height", size.Height);
        json.WriteEndObject();
    }

    public override bool CapReached(Utf8JsonWriter json, double seconds, long cap)
    {
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(seconds, 6));
        json.WriteNumber("capReached", cap);
        json.WriteEndObject();
        return true;
    }

    public override bool End(Utf8JsonWriter json, double seconds, IReadOnlyDictionary<RecordedChannel, ChannelTotals> totals)
    {
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(seconds, 6));
        json.WriteStartObject("end");
        foreach (var (channel, total) in totals.OrderBy(pair => pair.Key))
        {
            json.WriteStartObject(Name(channel));
            json.WriteNumber("bytes", total.Bytes);
            json.WriteNumber("recordedBytes", total.RecordedBytes);
            json.WriteString("sha256", total.Sha256());
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        return true;
    }

    public static string Name(RecordedChannel channel) => channel switch
    {
        RecordedChannel.Stdin => "stdin",
        RecordedChannel.Stdout => "stdout",
        RecordedChannel.Stderr => "stderr",
        RecordedChannel.Error => "error",
        _ => "resize",
    };
}
