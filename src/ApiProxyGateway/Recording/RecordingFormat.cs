using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Recording;

/// <summary>How a recording's lines read: asciicast v2 for terminal sessions, JSON lines for the others. One JSON value a line.</summary>
internal abstract class RecordingFormat
{
    /// <summary>The file name's extension, with its dot.</summary>
    public abstract string Extension { get; }

    /// <summary>Writes the header line; <paramref name="size"/> is the terminal's first size, when the session has one.</summary>
    public abstract void Header(Utf8JsonWriter json, RecordingHeader header, TerminalSize? size);

    /// <summary>Writes one event line for <paramref name="data"/> on <paramref name="channel"/> at <paramref name="seconds"/> since the start, or returns false to write nothing.</summary>
    public abstract bool Data(Utf8JsonWriter json, double seconds, RecordedChannel channel, ReadOnlySpan<byte> data);

    public abstract void Resize(Utf8JsonWriter json, double seconds, TerminalSize size);

    /// <summary>Writes the note that the byte cap was reached, or returns false to write nothing.</summary>
    public abstract bool CapReached(Utf8JsonWriter json, double seconds, long cap);

    /// <summary>Writes the closing line, with every channel's totals, or returns false to write nothing.</summary>
    public abstract bool End(Utf8JsonWriter json, double seconds, IReadOnlyDictionary<RecordedChannel, ChannelTotals> totals);
}
