using System.Text;
using ApiProxyGateway.Sandbox.Kubelets;
using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class LogSelectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly LogLine[] Lines = [.. Enumerable.Range(1, 10).Select(i => new LogLine(Start.AddSeconds(i), LogLine.Stdout, Encoding.UTF8.GetBytes($"line {i}\n")))];

    [Fact]
    public void Initial_TailLines_TakesTheLastLines() =>
        Assert.Equal(["line 8\n", "line 9\n", "line 10\n"], Text(LogSelection.Initial(Lines, new LogOptions { TailLines = 3 }, Start.AddMinutes(1))));

    [Fact]
    public void Initial_TailLinesZero_TakesNothing() =>
        Assert.Empty(LogSelection.Initial(Lines, new LogOptions { TailLines = 0 }, Start.AddMinutes(1)));

    [Fact]
    public void Initial_TailThenSince_AppliesTheTailFirst()
    {
        var options = new LogOptions { TailLines = 5, SinceTime = Start.AddSeconds(8) };

        Assert.Equal(["line 8\n", "line 9\n", "line 10\n"], Text(LogSelection.Initial(Lines, options, Start.AddMinutes(1))));
    }

    [Fact]
    public void Initial_SinceSeconds_KeepsLinesReceivedSinceThen() =>
        Assert.Equal(["line 9\n", "line 10\n"], Text(LogSelection.Initial(Lines, new LogOptions { SinceSeconds = 2 }, Start.AddSeconds(11))));

    [Fact]
    public void Format_Timestamps_PrefixesRfc3339WithNineFractionDigits()
    {
        var line = new LogLine(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), LogLine.Stdout, "hello\n"u8.ToArray());

        Assert.Equal("2026-05-01T12:00:00.123456700Z hello\n", Encoding.UTF8.GetString(LogSelection.Format(line, timestamps: true)));
        Assert.Equal("hello\n", Encoding.UTF8.GetString(LogSelection.Format(line, timestamps: false)));
    }

    private static string[] Text(IEnumerable<LogLine> lines) => [.. lines.Select(l => Encoding.UTF8.GetString(l.Content.Span))];
}
