using System.Text.Json.Nodes;
using ApiProxyGateway.Audit;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class AuditTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("apg-audit-").FullName;

    /// <summary>
    /// Timestamps are kube-apiserver's MicroTime: six fractional digits in UTC, cut rather than rounded, whatever the
    /// offset the clock reports and at both ends of the calendar.
    /// </summary>
    [Theory]
    [InlineData("2026-12-05T21:50:07.1234567+00:00", "2026-12-05T21:50:07.123456Z")]
    [InlineData("2026-12-05T21:50:07.9999999+00:00", "2026-12-05T21:50:07.999999Z")]
    [InlineData("2026-12-05T21:50:07+00:00", "2026-12-05T21:50:07.000000Z")]
    [InlineData("2026-12-06T01:20:07.0000010+03:30", "2026-12-05T21:50:07.000001Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999+00:00", "9999-12-31T23:59:59.999999Z")]
    public void Timestamp_IsMicroTimeInUtc(string time, string expected)
    {
        var stamp = AuditRecorder.Timestamp(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, stamp);
    }

    [Fact]
    public async Task FileSink_AtTheSizeLimit_RotatesAndKeepsOnlyTheNewestBackups()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(_directory, "audit.log");
        await using (var sink = new FileAuditSink(new AuditOptions { Path = path, MaxSizeMegabytes = 1, MaxBackups = 2 }, time))
        {
            var line = new byte[400 * 1024];
            Array.Fill(line, (byte)'x');
            for (var i = 0; i < 8; i++)
            {
                await sink.WriteLineAsync(line);
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var backups = Directory.GetFiles(_directory, "audit-*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, backups.Length);
        Assert.All(backups, name => Assert.Matches(@"^audit-2026-11-22T23-00-0\d\.000\.log$", name));
        Assert.True(new FileInfo(path).Length <= 1024 * 1024);
        Assert.All(Directory.GetFiles(_directory), file => Assert.True(new FileInfo(file).Length <= 1024 * 1024));
    }

    [Fact]
    public async Task FileSink_ADevice_IsNeverRotated()
    {
        // The audit path is a link to /dev/null (the bench points audit there): past the size limit by the bytes
        // written, the sink once renamed what the path named and created a regular file in its place. A link keeps
        // the real /dev/null out of harm's way if that comes back: it is the link that would be renamed.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(_directory, "audit.log");
        File.CreateSymbolicLink(path, "/dev/null");
        await using (var sink = new FileAuditSink(new AuditOptions { Path = path, MaxSizeMegabytes = 1, MaxBackups = 2 }, time))
        {
            var line = new byte[400 * 1024];
            for (var i = 0; i < 8; i++)
            {
                await sink.WriteLineAsync(line);
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal("/dev/null", new FileInfo(path).LinkTarget);
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Writer_WhenTheQueueIsFull_DropsAndCountsWithoutBlocking()
    {
        var path = Path.Combine(_directory, "audit.log");
        var metrics = TestMetrics.Create();
        using var collector = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(metrics.Meter, "apiproxygateway.audit.events.dropped");
        using var writer = new AuditWriter(Microsoft.Extensions.Options.Options.Create(new AuditOptions { Path = path, QueueCapacity = 2 }), metrics, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditWriter>.Instance);

        // Not started: nothing drains the queue, so the third and fourth events must be dropped at once.
        for (var i = 0; i < 4; i++)
        {
            writer.Write(Event(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(2, collector.GetMeasurementSnapshot().Sum(m => m.Value));
        await writer.StartAsync(TestContext.Current.CancellationToken);
        await WaitForLinesAsync(path, 2);
        await writer.StopAsync(TestContext.Current.CancellationToken);
        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal("audit.k8s.io/v1", (string?)first["apiVersion"]);
        Assert.Equal("Event", (string?)first["kind"]);
        Assert.Equal("0", (string?)first["auditID"]);
        Assert.Equal("/api/v1/namespaces/demo/pods/web/exec", (string?)first["requestURI"]);
    }

    [Fact]
    public async Task AuditIds_AreVersion4Uuids_UniqueAcrossThreads()
    {
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 1000).Select(_ => AuditIds.New()).ToArray(), TestContext.Current.CancellationToken)));
        var ids = perThread.SelectMany(batch => batch).ToArray();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AuditEvent Event(string id) => new()
    {
        AuditID = id,
        Stage = "ResponseComplete",
        RequestURI = "/api/v1/namespaces/demo/pods/web/exec",
        Verb = "create",
        RequestReceivedTimestamp = "2026-11-22T23:00:00.000000Z",
        StageTimestamp = "2026-11-22T23:00:00.000000Z",
    };

    private static Task WaitForLinesAsync(string path, int count) =>
        TestWait.UntilAsync(() => File.Exists(path) && File.ReadAllLines(path).Length >= count, $"{path} has {count} lines", TimeSpan.FromSeconds(10));
}
