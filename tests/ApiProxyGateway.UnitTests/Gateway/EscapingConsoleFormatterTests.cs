using ApiProxyGateway.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class EscapingConsoleFormatterTests
{
    [Fact]
    public void Write_MessageWithControlCharacters_IsOneLineWithThemEscaped()
    {
        var line = Format("Refused GET /api/v1/x: path\r\n2026-01-01T00:00:00.000Z info: forged\u001b[2J\u0000\ttab", null);

        Assert.Equal("info: Test.Category[7] Refused GET /api/v1/x: path\\r\\n2026-01-01T00:00:00.000Z info: forged\\u001b[2J\\u0000\\ttab\n", line);
    }

    [Fact]
    public void Write_Exception_FollowsOnTheSameLineEscaped()
    {
        var line = Format("failed", new InvalidOperationException("bad\nthing"));

        Assert.StartsWith("info: Test.Category[7] failed System.InvalidOperationException: bad\\nthing", line, StringComparison.Ordinal);
        Assert.Equal(1, line.Count(c => c == '\n'));
    }

    /// <summary>
    /// Red-team finding: a pod name from a decoded request path (User 'prober' denied create pods/exec 'sec/x\u2028fake')
    /// reaches the log with U+2028/U+2029 (line and paragraph separators, which many log viewers and JSON-lines tools
    /// break on) and U+202E (a bidi override that reverses what a reader sees) unescaped: char.IsControl is false for them.
    /// </summary>
    [Theory]
    [InlineData('\u2028')]
    [InlineData('\u2029')]
    [InlineData('\u202E')]
    public void Write_MessageWithUnicodeSeparatorsOrBidiOverrides_HasThemEscaped(char character)
    {
        var line = Format($"User 'prober' denied create pods/exec 'sec/x{character}2026-01-01T00:00:00.000Z info: forged'", null);

        Assert.DoesNotContain(character, line);
    }

    private static string Format(string message, Exception? exception)
    {
        using var formatter = new EscapingConsoleFormatter(new StaticMonitor(new SimpleConsoleFormatterOptions { TimestampFormat = null }));
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Test.Category", new EventId(7), message, exception, (state, _) => state);

        formatter.Write(entry, null, writer);

        return writer.ToString();
    }

    private sealed class StaticMonitor(SimpleConsoleFormatterOptions value) : IOptionsMonitor<SimpleConsoleFormatterOptions>
    {
        public SimpleConsoleFormatterOptions CurrentValue => value;

        public SimpleConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SimpleConsoleFormatterOptions, string?> listener) => null;
    }
}
