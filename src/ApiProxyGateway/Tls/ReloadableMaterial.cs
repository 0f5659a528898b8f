using System.Security.Cryptography;

namespace ApiProxyGateway.Tls;

/// <summary>
/// One plane's material, loaded from files and replaced when their contents change. A new version that does
/// not load (unreadable, key mismatch, expired, …) is refused: the current material stays in use. Readers
/// always see a complete version; each accepted version gets a higher <see cref="Generation"/>.
/// </summary>
internal sealed class ReloadableMaterial<T> : IReloadable
    where T : class
{
    private readonly Func<IReadOnlyList<string>> _files;
    private readonly Func<T> _load;
    private readonly Lock _lock = new();
    private volatile Version _current;
    private string _lastFingerprint;

    /// <param name="plane">Name for logs and metrics.</param>
    /// <param name="files">The files to watch; may change after a reload (a kubeconfig naming other files).</param>
    /// <param name="load">Reads and validates the files; throws <see cref="InvalidDataException"/> with a reason.</param>
    public ReloadableMaterial(string plane, Func<IReadOnlyList<string>> files, Func<T> load)
    {
        Plane = plane;
        _files = files;
        _load = load;
        _current = new Version(load(), 1);
        _lastFingerprint = Fingerprint(files());
    }

    public string Plane { get; }

    public IReadOnlyList<string> Files => _files();

    public T Current => _current.Value;

    public long Generation => _current.Generation;

    public (bool Accepted, string? Problem)? ReloadIfChanged()
    {
        lock (_lock)
        {
            var fingerprint = Fingerprint(_files());
            if (fingerprint == _lastFingerprint)
            {
                return null;
            }

            _lastFingerprint = fingerprint;
            try
            {
                _current = new Version(_load(), _current.Generation + 1);
                return (true, null);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                return (false, e.Message);
            }
        }
    }

    /// <summary>A hash of every file's content (a missing file counts too), so any change is seen whatever the mtime.</summary>
    private static string Fingerprint(IReadOnlyList<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\0"));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("\0missing\0"u8);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private sealed record Version(T Value, long Generation);
}
