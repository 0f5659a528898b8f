using ApiProxyGateway.Recording;
using ApiProxyGateway.UnitTests.Gateway;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Recording;

public sealed class SessionRecorderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("recorder-");

    [Fact]
    public void Start_LongestNamespaceAndPodNames_StillGetsAFileInTheDirectory()
    {
        var options = new RecordingOptions { Directory = _directory.FullName, Mode = RecordingMode.All };
        var recorder = new SessionRecorder(Options.Create(options), TestMetrics.Create(), new FakeTimeProvider(), NullLogger<SessionRecorder>.Instance);
        var header = new RecordingHeader(Guid.NewGuid().ToString(), "jane", [], new string('n', 63), new string('p', 253), "c", "exec", ["sh"], false, DateTimeOffset.UnixEpoch);

        var recording = recorder.Start(header, _ => throw new InvalidOperationException("unexpected failure"));

        Assert.NotNull(recording);
        Assert.NotNull(recorder.Finish(recording, keep: true));
        var file = Assert.Single(_directory.EnumerateFiles());
        Assert.True(file.Name.Length <= 255, file.Name);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
