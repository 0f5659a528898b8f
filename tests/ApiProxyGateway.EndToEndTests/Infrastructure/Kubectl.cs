using System.Diagnostics;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// A kubectl binary: <see cref="Default"/> is the one on PATH; <see cref="Version"/> finds <c>kubectl.1.NN</c> next to
/// the file that PATH entry resolves to (symlinks followed). Every run has a timeout, after which the whole process
/// tree is killed; KUBECONFIG, the discovery cache directory and any extra environment switches are set per run.
/// </summary>
public sealed class Kubectl
{
    private static readonly Lazy<string?> OnPath = new(FindOnPath);

    private Kubectl(string path, string label)
    {
        FilePath = path;
        Label = label;
    }

    public string FilePath { get; }

    /// <summary>"default" or the version suffix ("1.27").</summary>
    public string Label { get; }

    /// <summary>kubectl from PATH; throws (failing the test) when there is none.</summary>
    public static Kubectl Default => new(OnPath.Value ?? throw NotFound("kubectl"), "default");

    /// <summary>The versioned binary kubectl.1.NN beside the resolved PATH kubectl; throws (failing the test) when missing.</summary>
    public static Kubectl Version(string version)
    {
        var directory = Path.GetDirectoryName(ResolveLinks(OnPath.Value ?? throw NotFound("kubectl")))!; // ! a file path always has a directory
        var path = Path.Combine(directory, $"kubectl.{version}");
        return File.Exists(path) ? new Kubectl(path, version) : throw NotFound($"kubectl.{version} (looked in {directory})");
    }

    public async Task<KubectlResult> RunAsync(KubectlEnvironment environment, IReadOnlyList<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = StartInfo(environment, arguments) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
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
    public async Task<KubectlResult> RunBinaryAsync(KubectlEnvironment environment, IReadOnlyList<string> arguments, byte[] input, Stream output, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = StartInfo(environment, arguments) };
        process.Start();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input, deadline.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
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

    private static string? FindOnPath()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);

    private static InvalidOperationException NotFound(string what) =>
        new($"{what} was not found: the end-to-end tests need kubectl on PATH (and kubectl.1.27 … kubectl.1.33 beside it).");
}
