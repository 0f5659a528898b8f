using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Recording;

/// <summary>
/// Keeps the recording directory within its bounds: every <see cref="RecordingOptions.RetentionInterval"/>, finished
/// recordings older than <see cref="RecordingOptions.MaxAge"/> are removed, then the oldest until all of them take at
/// most <see cref="RecordingOptions.MaxTotalBytes"/>. Recordings being written are never touched, nor any file that
/// is not a recording. At start it creates the directory (owner only) if it is missing.
/// </summary>
internal sealed class RecordingRetention(SessionRecorder recorder, IOptions<RecordingOptions> options, TimeProvider timeProvider, ILogger<RecordingRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Directory is not { } directory)
        {
            if (settings.Mode != RecordingMode.None || settings.Namespaces.Values.Any(mode => mode != RecordingMode.None))
            {
                RecordingLog.Off(logger);
            }

            return;
        }

        using var timer = new PeriodicTimer(settings.RetentionInterval, timeProvider);
        do
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                Enforce(directory, settings);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RecordingLog.RetentionFailed(logger, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Removes what is too old, then the oldest of what is too much.</summary>
    internal void Enforce(string directory, RecordingOptions settings)
    {
        var open = recorder.Open.ToHashSet(StringComparer.Ordinal);
        var finished = new DirectoryInfo(directory).EnumerateFiles()
            .Where(file => file.Extension is ".cast" or ".jsonl" && !open.Contains(file.Name))
            .OrderBy(file => file.LastWriteTimeUtc)
            .ToList();
        var now = timeProvider.GetUtcNow();
        var total = finished.Sum(file => file.Length);
        foreach (var file in finished)
        {
            var why = now - file.LastWriteTimeUtc > settings.MaxAge ? "older than Recording:MaxAge"
                : total > settings.MaxTotalBytes ? "the recordings take more than Recording:MaxTotalBytes"
                : null;
            if (why is null)
            {
                continue;
            }

            var length = file.Length; // read before the file is gone
            file.Delete();
            total -= length;
            RecordingLog.Removed(logger, file.Name, why);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
