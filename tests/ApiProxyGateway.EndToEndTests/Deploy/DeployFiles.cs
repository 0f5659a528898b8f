using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>
/// Reads the deployment artefacts of the repository the tests were built from, as the tools that consume them do:
/// kustomizations rendered by the real kubectl and loaded by KubernetesClient; the Dockerfile's instructions, the
/// .dockerignore rules and the project references the image build depends on. Anything unreadable fails the test.
/// </summary>
internal static partial class DeployFiles
{
    /// <summary>The Prometheus Operator's API, whose kinds KubernetesClient does not know.</summary>
    public const string MonitoringApiVersion = "monitoring.coreos.com/v1";

    public static string RepositoryRoot => Repository.Root;

    public static string DeployDirectory => Path.Combine(RepositoryRoot, "deploy");

    /// <summary>Every directory under deploy/ with a kustomization.yaml, relative to deploy/, with '/' separators.</summary>
    public static IReadOnlyList<string> KustomizationDirectories() =>
        [.. Directory.EnumerateFiles(DeployDirectory, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(DeployDirectory, Path.GetDirectoryName(file)!).Replace('\\', '/')) // ! a file always has a directory
            .Order(StringComparer.Ordinal)];

    /// <summary>The kustomization.yaml of a directory under deploy/, parsed.</summary>
    public static YamlMappingNode Kustomization(string directory) =>
        Parse(File.ReadAllText(Path.Combine(DeployDirectory, directory, "kustomization.yaml")));

    /// <summary>Whether the directory holds a Kustomize Component, which patches what the kustomization that includes it renders.</summary>
    public static bool IsComponent(string directory) => Scalar(Kustomization(directory), "kind") == "Component";

    /// <summary>
    /// Runs <c>kubectl kustomize deploy/&lt;directory&gt;</c> and returns the rendered documents, one YAML text each;
    /// from a copy of deploy/ at <paramref name="deployDirectory"/> when given.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RenderAsync(string directory, string? deployDirectory = null)
    {
        var scratch = Directory.CreateTempSubdirectory("apg-kustomize-");
        try
        {
            // kustomize needs no cluster; the kubeconfig and cache paths only keep kubectl away from ~/.kube.
            var environment = new KubectlEnvironment(Path.Combine(scratch.FullName, "kubeconfig"), Path.Combine(scratch.FullName, "cache"));
            var result = await Kubectl.Default.RunAsync(
                environment, ["kustomize", Path.Combine(deployDirectory ?? DeployDirectory, directory)], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.True(result.Succeeded, $"kubectl kustomize deploy/{directory} failed:{Environment.NewLine}{result}");
            return [.. DocumentSeparator().Split(result.StandardOutput).Where(document => !string.IsNullOrWhiteSpace(document))];
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Renders <paramref name="directory"/> and loads each object: Kubernetes kinds as KubernetesClient models
    /// (<see cref="IKubernetesObject{V1ObjectMeta}"/>), Prometheus Operator kinds as YAML mappings.
    /// </summary>
    public static async Task<List<object>> LoadAsync(string directory, string? deployDirectory = null)
    {
        var objects = new List<object>();
        foreach (var document in await RenderAsync(directory, deployDirectory))
        {
            var node = Parse(document);
            objects.Add(Scalar(node, "apiVersion") == MonitoringApiVersion ? node : LoadTyped(document, $"deploy/{directory}: {Scalar(node, "kind")} {Scalar(node, "metadata", "name")}"));
        }

        return objects;
    }

    /// <summary>Loads one document strictly: an unknown apiVersion/kind or a field the model lacks (a typo, a misplaced key) fails.</summary>
    public static IKubernetesObject<V1ObjectMeta> LoadTyped(string document, string what)
    {
        try
        {
            return Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(Assert.Single(KubernetesYaml.LoadAllFromString(document, strict: true)));
        }
        catch (Exception e) when (e is KeyNotFoundException or YamlDotNet.Core.YamlException)
        {
            Assert.Fail($"{what} does not load as a Kubernetes object: {e.Message}");
            throw;
        }
    }

    public static YamlMappingNode Parse(string document)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(document));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The scalar at <paramref name="path"/>, or null when any step is missing.</summary>
    public static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(key, out var child))
            {
                return null;
            }

            current = child;
        }

        return (current as YamlScalarNode)?.Value;
    }

    /// <summary>
    /// The Dockerfile's instructions as (keyword, arguments) in order, with comments dropped and continuation lines
    /// joined. Stages start at each FROM.
    /// </summary>
    public static List<(string Keyword, string Arguments)> DockerfileInstructions()
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadLines(Path.Combine(RepositoryRoot, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var text = (pending + line).Trim();
            pending = "";
            if (text.Length > 0)
            {
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(space < 0 ? (text.ToUpperInvariant(), "") : (text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
            }
        }

        return instructions;
    }

    /// <summary>The instructions of the stage built FROM the .NET SDK image.</summary>
    public static List<(string Keyword, string Arguments)> DockerfileBuildStage()
    {
        var instructions = DockerfileInstructions();
        var from = instructions.FindIndex(instruction => instruction.Keyword == "FROM" && instruction.Arguments.Contains("/dotnet/sdk:", StringComparison.Ordinal));
        Assert.True(from >= 0, "the Dockerfile has a build stage FROM the .NET SDK image");
        return [.. instructions.Skip(from).TakeWhile((instruction, index) => index == 0 || instruction.Keyword != "FROM")];
    }

    /// <summary>A RUN's command as arguments (RUN options dropped); the Dockerfile keeps these plain so they can be replayed.</summary>
    public static List<string> Command(string run)
    {
        Assert.True(run.IndexOfAny(['&', '|', ';', '>', '<', '$', '`', '"', '\'']) < 0, $"RUN {run}: keep it one plain command, the deploy tests replay it");
        return [.. run.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(argument => argument.StartsWith("--", StringComparison.Ordinal))];
    }

    /// <summary>(source, destination) of each COPY from the build context, as written.</summary>
    public static IEnumerable<(string Source, string Destination)> CopiedPaths(IEnumerable<(string Keyword, string Arguments)> instructions) =>
        from instruction in instructions
        where instruction.Keyword == "COPY" && !instruction.Arguments.Contains("--from=", StringComparison.Ordinal)
        let parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(part => !part.StartsWith("--", StringComparison.Ordinal)).ToArray()
        from source in parts[..^1]
        select (source, parts[^1]);

    /// <summary>The repository files a COPY source stands for (a file, a directory or a file-name pattern), build output excluded.</summary>
    public static List<string> Expand(string source)
    {
        var full = Path.Combine(RepositoryRoot, source);
        var files = Directory.Exists(full) ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            : Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full)); // ! a path under the root has a directory
        var expanded = files.Select(file => Path.GetRelativePath(RepositoryRoot, file).Replace('\\', '/'))
            .Where(file => !file.Split('/').Any(segment => segment is "bin" or "obj")).ToList();
        Assert.True(expanded.Count > 0, $"COPY {source} matches no file");
        return expanded;
    }

    /// <summary>
    /// Runs a command of the Dockerfile's build stage from the repository root, its WORKDIR, within
    /// <see cref="TestWait.BuildTimeout"/>, after which the whole process tree is killed; fails the test when it does not exit with 0.
    /// </summary>
    public static async Task ReplayAsync(List<string> command)
    {
        using var process = Process.Start(Repository.Command(command, RepositoryRoot))!; // ! Process.Start returns null only for shell-executed documents
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(TestWait.Timeout(TestWait.BuildTimeout));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        Assert.True(process.ExitCode == 0, $"{string.Join(' ', command)} exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
    }

    /// <summary>
    /// Whether Docker would send <paramref name="path"/> (relative, '/' separators) in the build context: the
    /// .dockerignore patterns apply in order, the last one matching the path or one of its parent directories wins,
    /// and '!' re-includes.
    /// </summary>
    public static bool IsInBuildContext(string path)
    {
        var ignoreFile = Path.Combine(RepositoryRoot, ".dockerignore");
        if (!File.Exists(ignoreFile))
        {
            return true;
        }

        var included = true;
        foreach (var raw in File.ReadLines(ignoreFile))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exception = line.StartsWith('!');
            var pattern = (exception ? line[1..] : line).Trim().TrimStart('/').TrimEnd('/');
            if (MatchesItselfOrAParent(pattern, path))
            {
                included = exception;
            }
        }

        return included;
    }

    /// <summary>The project and every project it references, transitively, as repository paths with '/'.</summary>
    public static HashSet<string> ProjectClosure(string project)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!closure.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(RepositoryRoot, current))!; // ! a project path has a directory
            foreach (var reference in XDocument.Load(Path.Combine(RepositoryRoot, current)).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))); // ! MSBuild requires Include
                pending.Push(Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/'));
            }
        }

        return closure;
    }

    private static bool MatchesItselfOrAParent(string pattern, string path)
    {
        var expression = new Regex("^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
        for (var candidate = path; candidate.Length > 0; candidate = candidate.Contains('/', StringComparison.Ordinal) ? candidate[..candidate.LastIndexOf('/')] : "")
        {
            if (expression.IsMatch(candidate))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^---[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
