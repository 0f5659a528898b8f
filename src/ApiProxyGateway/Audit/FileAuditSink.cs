using System.Globalization;

namespace ApiProxyGateway.Audit;

/// <summary>
/// Audit lines in a file, rotated when it reaches the size limit: the full file is renamed with a timestamp
/// (<c>audit-2026-11-22T23-00-00.000.log</c>, as kube-apiserver's rotation names it) and the oldest backups beyond
/// the limit are deleted.
/// </summary>
internal sealed class FileAuditSink(AuditOptions options, TimeProvider timeProvider) : IAuditSink
{
    private readonly long _maxBytes = Math.Max(1, options.MaxSizeMegabytes) * 1024L * 1024L;
    private FileStream? _file;

    public async ValueTask WriteLineAsync(ReadOnlyMemory<byte> json)
    {
        _file ??= Open();
        if (_file.Length > 0 && _file.Length + json.Length + 1 > _maxBytes)
        {
            await RotateAsync();
        }

        await _file.WriteAsync(json);
        _file.WriteByte((byte)'\n');
    }

    public Task FlushAsync() => _file?.FlushAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }

    private FileStream Open()
    {
        if (Path.GetDirectoryName(Path.GetFullPath(options.Path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new FileStream(options.Path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    private async Task RotateAsync()
    {
        await _file!.DisposeAsync(); // only called once the file is open
        var full = Path.GetFullPath(options.Path);
        var directory = Path.GetDirectoryName(full)!; // a full path has a directory
        var name = Path.GetFileNameWithoutExtension(full);
        var extension = Path.GetExtension(full);
        var stamp = timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH-mm-ss.fff", CultureInfo.InvariantCulture);
        File.Move(full, Path.Combine(directory, $"{name}-{stamp}{extension}"), overwrite: true);
        foreach (var old in Directory.GetFiles(directory, $"{name}-*{extension}").Order(StringComparer.Ordinal).SkipLast(Math.Max(0, options.MaxBackups)))
        {
            File.Delete(old);
        }

        _file = Open();
    }
}
