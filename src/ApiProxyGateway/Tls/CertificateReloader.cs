using System.Threading.Channels;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Reloads certificate material when its files change: file-system events on the files' directories (which
/// also see a Kubernetes secret volume swap its <c>..data</c> symlink), debounced, plus a periodic check.
/// New handshakes use new material; connections and streams already open keep theirs.
/// </summary>
internal sealed partial class CertificateReloader(
    ReloadRegistry registry, IOptions<ReloadOptions> options, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<CertificateReloader> logger) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var watchers = new Dictionary<string, FileSystemWatcher?>(StringComparer.Ordinal);
        try
        {
            using var timer = new PeriodicTimer(options.Value.ReloadInterval, timeProvider);
            var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            signals.Writer.TryWrite(true); // a first check at once, which also starts the watchers
            while (!stoppingToken.IsCancellationRequested)
            {
                var signal = signals.Reader.WaitToReadAsync(stoppingToken).AsTask();
                var first = await Task.WhenAny(tick, signal);
                if (first == signal)
                {
                    await Task.Delay(Debounce, timeProvider, stoppingToken);
                    signals.Reader.TryRead(out _);
                }
                else
                {
                    await tick;
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }

                CheckAll();

                // Planes register when their owners are first built, and a kubeconfig may name new files: watch them all.
                foreach (var directory in DirectoriesToWatch(registry.Items.SelectMany(item => item.Files), watchers.Keys))
                {
                    watchers[directory] = TryWatch(directory, () => signals.Writer.TryWrite(true));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            foreach (var watcher in watchers.Values)
            {
                watcher?.Dispose();
            }
        }
    }

    /// <summary>Checks every plane once; returns how many changed (accepted or refused).</summary>
    public int CheckAll()
    {
        var changed = 0;
        foreach (var item in registry.Items)
        {
            (bool Accepted, string? Problem)? result;
            try
            {
                result = item.ReloadIfChanged();
            }
            catch (Exception e)
            {
                // A plane that cannot even be checked keeps its material; the others are still checked.
                result = (false, e.Message);
            }

            if (result is not { } outcome)
            {
                continue;
            }

            changed++;
            metrics.CertificateReload(item.Plane, outcome.Accepted);
            if (outcome.Accepted)
            {
                Reloaded(logger, item.Plane);
            }
            else
            {
                Refused(logger, item.Plane, outcome.Problem ?? "unknown problem");
            }
        }

        return changed;
    }

    /// <summary>
    /// The existing directories of <paramref name="files"/> not yet watched, each once: several files in one directory
    /// once made a watcher each (an inotify instance apiece), all but the last never disposed.
    /// </summary>
    internal static string[] DirectoriesToWatch(IEnumerable<string> files, IEnumerable<string> watched) =>
        [.. files.Select(DirectoryOf).OfType<string>().Distinct(StringComparer.Ordinal).Except(watched, StringComparer.Ordinal)];

    private static string? DirectoryOf(string file) => Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory && Directory.Exists(directory) ? directory : null;

    /// <summary>
    /// Watches a directory, or returns <see langword="null"/> when the system will not let it: inotify instances are
    /// a per-user limit shared by every container of the node (128 by default), so running out is an operating
    /// condition, not a bug. The periodic check still reloads the material, only later; the reloader never stops.
    /// </summary>
    private FileSystemWatcher? TryWatch(string directory, Action changed)
    {
        try
        {
            return Watch(directory, changed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            WatchUnavailable(logger, directory, options.Value.ReloadInterval, e.Message);
            return null;
        }
    }

    private static FileSystemWatcher Watch(string directory, Action changed)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changed();
        watcher.Created += (_, _) => changed();
        watcher.Deleted += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    [LoggerMessage(EventIds.CertificatesReloaded, LogLevel.Information, "Reloaded the {Plane} certificate material; new connections use it")]
    private static partial void Reloaded(ILogger logger, string plane);

    [LoggerMessage(EventIds.CertificateWatchUnavailable, LogLevel.Warning, "Cannot watch {Directory} for certificate changes, so they are picked up by the check every {Interval} instead: {Problem}")]
    private static partial void WatchUnavailable(ILogger logger, string directory, TimeSpan interval, string problem);

    [LoggerMessage(EventIds.CertificatesRefused, LogLevel.Error, "Refused new {Plane} certificate material, the current material stays in use: {Problem}")]
    private static partial void Refused(ILogger logger, string plane, string problem);
}
