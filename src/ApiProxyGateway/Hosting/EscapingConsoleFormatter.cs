using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>
/// The gateway's console log format (<c>Logging:Console:FormatterName</c> <c>gateway</c>, the default): one line per
/// event, <c>time level: category[event] message</c>, with every control character in the message and the exception
/// escaped. Log messages carry values from clients, certificates, kubelets and workloads (paths, names, reasons);
/// escaping them here, where every line is written, means none can start a fake line or steer a terminal with CR,
/// LF or escape sequences. The framework's <c>simple</c> formatter replaces only newlines, not CR or ESC.
/// </summary>
internal sealed class EscapingConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "gateway";

    private readonly IDisposable? _reload;
    private SimpleConsoleFormatterOptions _options;

    public EscapingConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.CurrentValue;
        _reload = options.OnChange(changed => _options = changed);
    }

    public void Dispose() => _reload?.Dispose();

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = _options;
        if (options.TimestampFormat is { } format)
        {
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            textWriter.Write(now.ToString(format, CultureInfo.InvariantCulture));
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture));
        textWriter.Write("] ");
        WriteEscaped(textWriter, message ?? "");
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(' ');
            WriteEscaped(textWriter, exception.ToString());
        }

        textWriter.Write('\n');
    }

    /// <summary>Writes <paramref name="text"/> with control, separator and format characters as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uXXXX</c>.</summary>
    internal static void WriteEscaped(TextWriter writer, string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c))
            {
                continue;
            }

            writer.Write(text.AsSpan(start, i - start));
            writer.Write(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
            start = i + 1;
        }

        writer.Write(text.AsSpan(start));
    }

    /// <summary>
    /// Control characters, and the ones that move or reorder text on a terminal or in a viewer without being
    /// controls: line and paragraph separators (U+2028, U+2029) and format characters (bidi overrides such as U+202E,
    /// zero-width ones).
    /// </summary>
    private static bool NeedsEscape(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
