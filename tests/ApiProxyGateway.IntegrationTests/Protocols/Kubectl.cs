using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>
/// Finds the real kubectl binaries (kubectl on PATH; kubectl.1.27 … kubectl.1.33 next to its link target) and
/// runs them against a kubeconfig. A missing kubectl fails the test: interoperability is the point.
/// </summary>
internal static class Kubectl
{
    public static string Find(string version)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
        if (onPath is null)
        {
            Assert.Fail("kubectl is not on PATH; the SPDY/WebSocket interoperability tests need the real kubectl binaries (kubectl.1.27 … kubectl.1.33 beside it).");
        }

        var target = File.ResolveLinkTarget(onPath, returnFinalTarget: true)?.FullName ?? onPath;
        var versioned = Path.Combine(Path.GetDirectoryName(target)!, $"kubectl.{version}");
        if (!File.Exists(versioned))
        {
            Assert.Fail($"kubectl {version} not found: expected {versioned} next to {target} (the target of {onPath}).");
        }

        return versioned;
    }

    public static string WriteKubeconfig(string directory, Uri server, TestCertificateAuthority pki)
    {
        static string Base64Pem(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {server.GetLeftPart(UriPartial.Authority)}
                certificate-authority-data: {Base64Pem(pki.Ca.ExportCertificatePem())}
            users:
            - name: test
              user:
                client-certificate-data: {Base64Pem(pki.Client.ExportCertificatePem())}
                client-key-data: {Base64Pem(pki.Client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: test
              context:
                cluster: test
                user: test
                namespace: {FakeKubeApiServer.Namespace}
            current-context: test
            """);
        return path;
    }

    public static Process Start(string binary, string kubeconfig, string cacheDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory, "--request-timeout=20s" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("KUBECONFIG");
        start.Environment.Remove("KUBECTL_REMOTE_COMMAND_WEBSOCKETS");
        start.Environment.Remove("KUBECTL_PORT_FORWARD_WEBSOCKETS");
        // moby/spdystream logs frame-level errors (e.g. a header block it cannot inflate) only when DEBUG is
        // set; they land in kubectl's stderr, which every failure message includes.
        start.Environment["DEBUG"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
    }

    /// <summary>Runs kubectl to completion, feeding <paramref name="stdin"/>; kills it if it outlives <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(
        string binary, string kubeconfig, string cacheDirectory, IEnumerable<string> arguments, byte[]? stdin, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        using var process = Start(binary, kubeconfig, cacheDirectory, arguments, environment);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var stdout = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout, deadline.Token);
            var readingErrors = process.StandardError.ReadToEndAsync(deadline.Token);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, deadline.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
            await reading;
            return (process.ExitCode, stdout.ToArray(), await readingErrors);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"kubectl {string.Join(' ', arguments)} did not finish within {timeout}.");
            throw;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
