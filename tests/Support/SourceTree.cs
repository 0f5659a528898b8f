namespace ApiProxyGateway.Tests.Support;

/// <summary>The repository the tests were built from: the folder with ApiProxyGateway.sln above the test binaries.</summary>
internal static class SourceTree
{
    private static readonly Lazy<string> FoundRoot = new(FindRoot);

    public static string Root => FoundRoot.Value;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ApiProxyGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ApiProxyGateway.sln above {AppContext.BaseDirectory}: these tests read the repository they were built from.");
    }
}
