namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// The sandbox scenarios of <c>tests/Support/Scenarios/</c>, which each test project copies next to its assembly
/// (<c>Support/Scenarios/</c>): scenario YAML lives in files, not in C# strings.
/// </summary>
internal static class ScenarioFile
{
    /// <summary>The full path of the scenario file <paramref name="name"/>; fails the test when the build did not copy it.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Support", "Scenarios", name);
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies tests/Support/Scenarios/*.yaml to its output (see its .csproj).");
        return path;
    }

    public static string Read(string name) => File.ReadAllText(PathOf(name));
}
