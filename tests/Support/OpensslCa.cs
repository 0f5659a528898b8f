using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// A CA as <c>openssl ca</c> keeps one (a certificate, its key and an index of revocations), so that tests revoke
/// certificates and publish CRLs with the real openssl, as an operator would: never with the code under test.
/// </summary>
public sealed class OpensslCa
{
    private readonly string _directory;
    private readonly string _config;
    private readonly string _openssl = HostTool.Require("openssl", "the revocation tests make their CRLs with openssl ca");
    private int _files;

    /// <summary>A CA database in a new directory under <paramref name="parent"/> for <paramref name="authority"/> (with its private key).</summary>
    public OpensslCa(string parent, X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        _directory = Directory.CreateDirectory(Path.Combine(parent, $"openssl-ca-{Guid.NewGuid():N}")).FullName;
        using var key = authority.GetECDsaPrivateKey() ?? throw new ArgumentException("The CA needs its ECDSA private key.", nameof(authority));
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), authority.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_directory, "ca.key"), key.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(Path.Combine(_directory, "index.txt"), "");
        _config = Path.Combine(_directory, "openssl.cnf");
        File.WriteAllText(_config, $"""
            [ca]
            default_ca = test
            [test]
            database = {_directory}/index.txt
            certificate = {_directory}/ca.crt
            private_key = {_directory}/ca.key
            default_md = sha256
            default_crl_days = 7
            """);
    }

    /// <summary>Records <paramref name="certificate"/> as revoked (<c>openssl ca -revoke</c>); the next CRL lists it.</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var file = NewFile("crt");
        File.WriteAllText(file, certificate.ExportCertificatePem() + "\n");
        Run("ca", "-config", _config, "-revoke", file);
    }

    /// <summary>
    /// Publishes a CRL of every revocation so far (<c>openssl ca -gencrl</c>) to <paramref name="path"/>, PEM or DER,
    /// replacing the file at once (a rename) as a secret volume would; with <paramref name="nextUpdate"/> in the past it
    /// is stale from the start.
    /// </summary>
    public void WriteCrl(string path, bool der = false, DateTimeOffset? lastUpdate = null, DateTimeOffset? nextUpdate = null)
    {
        var pem = NewFile("pem");
        var arguments = new List<string> { "ca", "-config", _config, "-gencrl", "-out", pem };
        if (lastUpdate is { } last)
        {
            arguments.AddRange(["-crl_lastupdate", last.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", CultureInfo.InvariantCulture)]);
        }

        if (nextUpdate is { } next)
        {
            arguments.AddRange(["-crl_nextupdate", next.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", CultureInfo.InvariantCulture)]);
        }

        Run([.. arguments]);
        var published = pem;
        if (der)
        {
            published = NewFile("der");
            Run("crl", "-in", pem, "-outform", "DER", "-out", published);
        }

        var staged = path + ".new";
        File.Copy(published, staged, overwrite: true);
        File.Move(staged, path, overwrite: true);
    }

    private string NewFile(string extension) => Path.Combine(_directory, $"{++_files}.{extension}");

    private void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(_openssl) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TestWait.OperationTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish in {TestWait.OperationTimeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}
