using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class ContainerLogTests
{
    [Fact]
    public void Append_OverTheLimit_DropsTheOldestLines()
    {
        var log = new ContainerLog(maxBytes: 25);
        for (var i = 0; i < 5; i++)
        {
            log.Append(new LogLine(DateTimeOffset.UnixEpoch, LogLine.Stdout, new byte[10]));
        }

        var snapshot = log.Read();

        Assert.Equal(2, snapshot.Lines.Count);
        Assert.Equal(5, snapshot.Next);
    }

    [Fact]
    public async Task Read_FromSequence_ReturnsOnlyNewLinesAndSignalsChanges()
    {
        var log = new ContainerLog();
        log.Append(new LogLine(DateTimeOffset.UnixEpoch, LogLine.Stdout, "a\n"u8.ToArray()));
        var first = log.Read();

        log.Append(new LogLine(DateTimeOffset.UnixEpoch, LogLine.Stderr, "b\n"u8.ToArray()));
        await first.Changed.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var second = log.Read(first.Next);

        Assert.Equal(LogLine.Stderr, Assert.Single(second.Lines).Stream);
        Assert.False(second.Complete);
        log.Complete();
        Assert.True(log.Read(second.Next).Complete);
    }
}
