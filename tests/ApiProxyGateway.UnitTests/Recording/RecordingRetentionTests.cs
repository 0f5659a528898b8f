using ApiProxyGateway.Recording;
using ApiProxyGateway.UnitTests.Gateway;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Recording;

/// <summary><see cref="RecordingRetention"/> on a real directory: too old first, then the oldest of too much; never open recordings or other files.</summary>
public sealed class RecordingRetentionTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("retention-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Enforce_RemovesTooOldThenOldestOverTheTotal_KeepsOtherFiles()
    {
        var options = new RecordingOptions { Directory = _directory.FullName, MaxAge = TimeSpan.FromDays(1), MaxTotalBytes = 250 };
        File("ancient.cast", 10, TimeSpan.FromDays(2));
        File("old.jsonl", 100, TimeSpan.FromHours(3));
        File("middle.cast", 100, TimeSpan.FromHours(2));
        File("new.cast", 100, TimeSpan.FromHours(1));
        File("notes.txt", 1000, TimeSpan.FromDays(5));
        var retention = new RecordingRetention(Recorder(options), Options.Create(options), _time, NullLogger<RecordingRetention>.Instance);

        retention.Enforce(_directory.FullName, options);

        Assert.Equal(["middle.cast", "new.cast", "notes.txt"], _directory.EnumerateFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private SessionRecorder Recorder(RecordingOptions options) =>
        new(Options.Create(options), TestMetrics.Create(), _time, NullLogger<SessionRecorder>.Instance);

    private void File(string name, int size, TimeSpan age)
    {
        var path = Path.Combine(_directory.FullName, name);
        System.IO.File.WriteAllBytes(path, new byte[size]);
        System.IO.File.SetLastWriteTimeUtc(path, (_time.GetUtcNow() - age).UtcDateTime);
    }
}
