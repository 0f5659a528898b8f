using ApiProxyGateway.Tls;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>The reloader watches each directory of the certificate files once (a watcher is an inotify instance).</summary>
public sealed class CertificateReloaderTests
{
    [Fact]
    public void DirectoriesToWatch_ManyFilesInOneDirectory_WatchesItOnceAndSkipsWatchedAndMissingOnes()
    {
        var pki = Directory.CreateTempSubdirectory("apg-reload-");
        var other = Directory.CreateTempSubdirectory("apg-reload-");
        var watched = Directory.CreateTempSubdirectory("apg-reload-");
        try
        {
            string[] files =
            [
                Path.Combine(pki.FullName, "ca.crt"), Path.Combine(pki.FullName, "tls.crt"), Path.Combine(pki.FullName, "tls.key"),
                Path.Combine(pki.FullName, "..", pki.Name, "client.crt"), Path.Combine(other.FullName, "crl.pem"),
                Path.Combine(watched.FullName, "denylist"), Path.Combine(pki.FullName, "missing", "x.crt"),
            ];

            var directories = CertificateReloader.DirectoriesToWatch(files, [watched.FullName]);

            Assert.Equal(new[] { other.FullName, pki.FullName }.Order(StringComparer.Ordinal), directories.Order(StringComparer.Ordinal));
        }
        finally
        {
            pki.Delete(recursive: true);
            other.Delete(recursive: true);
            watched.Delete(recursive: true);
        }
    }
}
