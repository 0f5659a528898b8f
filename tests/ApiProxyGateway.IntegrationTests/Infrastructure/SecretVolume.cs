using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A directory laid out like a Kubernetes secret volume: <c>tls.crt</c> and <c>tls.key</c> are symlinks into
/// <c>..data</c>, itself a symlink to a timestamped directory, and an update swaps <c>..data</c> atomically.
/// </summary>
public sealed class SecretVolume
{
    private readonly string _root;
    private int _version;

    public SecretVolume(string parent, string name)
    {
        _root = Path.Combine(parent, name);
        Directory.CreateDirectory(_root);
    }

    public string CertificatePath => Path.Combine(_root, "tls.crt");

    public string KeyPath => Path.Combine(_root, "tls.key");

    public void Write(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()!; // test certificates are ECDSA with keys
        WriteRaw(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public void WriteBundle(params X509Certificate2[] authorities) =>
        WriteRaw(string.Concat(authorities.Select(a => a.ExportCertificatePem() + "\n")), "");

    public void WriteRaw(string certificate, string key)
    {
        var version = Path.Combine(_root, $"..2026_11_22_{++_version:D4}");
        Directory.CreateDirectory(version);
        File.WriteAllText(Path.Combine(version, "tls.crt"), certificate);
        File.WriteAllText(Path.Combine(version, "tls.key"), key);
        var temporary = Path.Combine(_root, "..data_tmp");
        File.CreateSymbolicLink(temporary, Path.GetFileName(version));
        if (Rename(temporary, Path.Combine(_root, "..data")) != 0)
        {
            throw new IOException($"rename of {temporary} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }

        foreach (var file in new[] { "tls.crt", "tls.key" })
        {
            var link = Path.Combine(_root, file);
            if (!File.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", file));
            }
        }
    }

    // rename(2) replaces the ..data symlink atomically, as the kubelet does; .NET's File.Move refuses a link to a directory.
#pragma warning disable SYSLIB1054, CA2101 // A one-line libc call in a test; LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Rename(string oldPath, string newPath);
#pragma warning restore SYSLIB1054, CA2101
}
