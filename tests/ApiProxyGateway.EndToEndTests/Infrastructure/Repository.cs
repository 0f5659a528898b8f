using System.Diagnostics;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// The repository the tests were built from (the folder with ApiProxyGateway.sln above the test binaries), and how a
/// test runs one of its commands as a developer would from a shell: without the MSBuild variables the test host
/// inherits from <c>dotnet test</c>, and leaving no build server behind.
/// </summary>
internal static class Repository
{
    public static string Root => SourceTree.Root;

    /// <summary>A process for <paramref name="command"/> (file and arguments) in <paramref name="workingDirectory"/>, its output redirected.</summary>
    public static ProcessStartInfo Command(IReadOnlyList<string> command, string workingDirectory)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild variables from `dotnet test`; the child must find its own. No build nodes
        // or compiler server may outlive the test.
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }
}
