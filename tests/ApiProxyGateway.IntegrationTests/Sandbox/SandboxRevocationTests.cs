using System.Diagnostics;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The README's "Revoking a user" commands, read from the README and run as written against a sandbox (its state
/// folder in place of <c>.sandbox</c>): the real openssl revokes the user into the CRL the gateway was started with,
/// and the real kubectl is refused on its next request, saying the certificate was revoked.
/// </summary>
public sealed class SandboxRevocationTests
{
    [Fact]
    public async Task ReadmeCommands_RevokeAUserWithOpenssl_TheUsersNextKubectlIsRefusedAsRevoked()
    {
        var (openssl, kubectl) = ReadCommands();
        var directory = Directory.CreateTempSubdirectory("apg-sandbox-revocation-").FullName;
        var state = Path.Combine(directory, "state");
        try
        {
            await using var host = await TestSandbox.StartAsync(TestSandbox.Options(state, gatewayArguments: []), TestContext.Current.CancellationToken);
            await using (var before = await RunAsync(kubectl, state, directory))
            {
                Assert.True(before.ExitCode == 0, $"{kubectl} failed before the revocation.{Environment.NewLine}{before}");
            }

            foreach (var line in openssl)
            {
                await using var command = await RunAsync(line, state, directory);
                Assert.True(command.ExitCode == 0, $"{line} failed.{Environment.NewLine}{command}");
            }

            string? refusal = null;
            await TestWait.UntilAsync(async _ =>
            {
                await using var after = await RunAsync(kubectl, state, directory);
                refusal = after.Error;
                return after.ExitCode != 0;
            }, "the revoked user's kubectl is refused", TestWait.OperationTimeout, TestContext.Current.CancellationToken, () => $"kubectl said: {refusal}");
            Assert.StartsWith("error: You must be logged in to the server (the client certificate (serial ", refusal, StringComparison.Ordinal);
            Assert.Contains($"by the CRL '{state}/pki/client-crl.pem' of 'CN=apiproxygateway-sandbox-cluster-ca')", refusal, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The openssl lines and the one kubectl line of the code block in the README's sandbox section that revokes a user.</summary>
    private static (List<string> Openssl, string Kubectl) ReadCommands()
    {
        var readme = File.ReadAllText(Path.Combine(SourceTree.Root, "README.md"));
        var section = readme[readme.IndexOf("\n## The sandbox", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var block = section.Split("```").Where((_, index) => index % 2 == 1).Single(text => text.Contains("openssl ca", StringComparison.Ordinal) && text.Contains("-gencrl", StringComparison.Ordinal));
        var lines = block.Split('\n').Skip(1).Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        return ([.. lines.Where(line => line.StartsWith("openssl ", StringComparison.Ordinal))], Assert.Single(lines, line => line.StartsWith("kubectl ", StringComparison.Ordinal)));
    }

    /// <summary>One README line through <c>sh</c>, with the sandbox's state in place of <c>.sandbox</c> and its kubeconfig exported.</summary>
    private static async Task<KubectlProcess> RunAsync(string line, string state, string directory)
    {
        var start = new ProcessStartInfo("sh") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(line.Replace(".sandbox/", state + "/", StringComparison.Ordinal));
        start.Environment["KUBECONFIG"] = Path.Combine(state, "kubeconfig");
        start.Environment["KUBECACHEDIR"] = Path.Combine(directory, "kube-cache");
        var process = KubectlProcess.Start(start, line);
        Assert.True(await process.WaitForExitAsync(TestWait.OperationTimeout, TestContext.Current.CancellationToken), $"{line} did not end.{Environment.NewLine}{process}");
        return process;
    }
}
