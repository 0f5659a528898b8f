using System.Diagnostics;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// A kubectl binary, and the one way tests find one: <see cref="Default"/> is the kubectl on PATH (<c>command -v
/// kubectl</c>); <see cref="Version"/> finds <c>kubectl.1.NN</c> in the folder of the file it resolves to
/// (<c>readlink -f "$(command -v kubectl)"</c>), never at a fixed path; a missing binary fails the test saying which.
/// Every run has a timeout, after which the whole process tree is killed; KUBECONFIG, the discovery cache directory
/// and any extra environment switches are set per run.
/// </summary>
public sealed class Kubectl
{
    private const string Need = "the tests need the real kubectl on PATH, with kubectl.1.27 … kubectl.1.33 in the folder it links to";

    private Kubectl(string path, string label)
    {
        FilePath = path;
        Label = label;
    }

    public string FilePath { get; }

    /// <summary>"default" or the version suffix ("1.27").</summary>
    public string Label { get; }

    /// <summary>kubectl from PATH; fails the test when there is none.</summary>
    public static Kubectl Default => new(HostTool.Require("kubectl", Need), "default");

    /// <summary>The versioned binary kubectl.1.NN beside the file the PATH kubectl resolves to; fails the test when it is missing.</summary>
    public static Kubectl Version(string version)
    {
        var onPath = Default.FilePath;
        var target = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(onPath);
        var directory = Path.GetDirectoryName(target)!; // ! a file's full path always has a directory
        var path = Path.Combine(directory, $"kubectl.{version}");
        return File.Exists(path)
            ? new Kubectl(path, version)
            : throw HostTool.Missing($"kubectl.{version} was not found in {directory} (the folder of {target}, which {onPath} resolves to): {Need}");
    }

    /// <summary>Runs kubectl to its end, or kills it after <paramref name="timeout"/> (<see cref="TestWait.OperationTimeout"/> by default).</summary>
    public async Task<KubectlResult> RunAsync(KubectlEnvironment environment, IReadOnlyList<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = StartInfo(environment, arguments) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var deadline = TestWait.Deadline(timeout ?? TestWait.OperationTimeout, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        return new KubectlResult(Describe(arguments), process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>
    /// Runs kubectl with <paramref name="input"/> on its stdin (then closed) and its stdout copied byte for byte to
    /// <paramref name="output"/> (for binary data); stderr is returned as text.
    /// </summary>
    public async Task<KubectlResult> RunBinaryAsync(KubectlEnvironment environment, IReadOnlyList<string> arguments, byte[] input, Stream output, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = StartInfo(environment, arguments) };
        process.Start();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var deadline = TestWait.Deadline(timeout ?? TestWait.OperationTimeout, cancellationToken);
        var timedOut = false;
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input, deadline);
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            timedOut = e is OperationCanceledException;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }

        await copy;
        return new KubectlResult(Describe(arguments), process.ExitCode, $"({output.Length} bytes)", await stderr, timedOut);
    }

    /// <summary>Starts a long-running kubectl (get -w, logs -f, port-forward); dispose to kill it.</summary>
    public KubectlProcess Start(KubectlEnvironment environment, IReadOnlyList<string> arguments) =>
        KubectlProcess.Start(StartInfo(environment, arguments), Describe(arguments));

    public override string ToString() => $"kubectl {Label} ({FilePath})";

    internal ProcessStartInfo StartInfo(KubectlEnvironment environment, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(FilePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBECONFIG"] = environment.KubeconfigPath;
        start.Environment["KUBECACHEDIR"] = environment.CacheDirectory; // discovery cache per suite, never a stale one from ~/.kube
        foreach (var (name, value) in environment.Variables)
        {
            if (value.Length == 0)
            {
                start.Environment.Remove(name); // "" means: make sure it is unset, whatever the test run inherited
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    internal string Describe(IReadOnlyList<string> arguments) => $"kubectl[{Label}] {string.Join(' ', arguments)}";
}
