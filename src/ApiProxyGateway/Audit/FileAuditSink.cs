using System.Globalization;

namespace ApiProxyGateway.Audit;

/// <summary>
/// Audit lines in a file, rotated when it reaches the size limit: the full file is renamed with a timestamp
/// (<c>audit-2026-11-22T23-00-00.000.log</c>, as kube-apiserver's rotation names it) and the oldest backups beyond
/// the limit are deleted. Only a regular file fills up: a device or a pipe (<c>/dev/null</c>, a FIFO a log shipper reads)
/// reports no size, so it is never renamed (renaming <c>/dev/null</c> and creating a regular file in its place is what
/// counting our own bytes did).
/// </summary>
internal sealed class FileAuditSink(AuditOptions options, TimeProvider timeProvider) : IAuditSink
{
    private readonly long _maxBytes = Math.Max(1, options.MaxSizeMegabytes) * 1024L * 1024L;
    private FileStream? _file;
    private long _size;

    public async ValueTask WriteLineAsync(ReadOnlyMemory<byte> json)
    {
        _file ??= Open();
        if (_size > 0 && _size + json.Length + 1 > _maxBytes)
        {
            // Past the limit by our count: the operating system's size says whether it really is (a regular file).
            await _file.FlushAsync();
            _size = SizeOf(_file);
            if (_size > 0 && _size + json.Length + 1 > _maxBytes)
            {
                await RotateAsync();
            }
        }

        await _file.WriteAsync(json);
        _file.WriteByte((byte)'\n');
        _size += json.Length + 1;
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

        var file = new FileStream(options.Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _size = SizeOf(file);
        return file;
    }

    /// <summary>The size the file system reports (fstat): zero for a device or a pipe, which never fill.</summary>
    private static long SizeOf(FileStream file)
    {
        try
        {
            return RandomAccess.GetLength(file.SafeFileHandle);
        }
        catch (NotSupportedException)
        {
            return 0; // a pipe or socket
        }
    }

    private async Task RotateAsync()
    {
        await _file!.DisposeAsync(); // only called once the file is open
        _file = null; // reopened by the next write if the rename below fails, rather than left disposed for good
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
