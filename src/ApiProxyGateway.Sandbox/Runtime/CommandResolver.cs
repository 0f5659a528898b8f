using System.Runtime.InteropServices;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Turns a container command into a host argv. <c>workload KIND …</c> runs the sandbox's own binary in workload mode
/// (<c>dotnet ApiProxyGateway.Sandbox.dll workload KIND …</c>), so a scenario needs nothing but .NET; anything else
/// runs as the host command of that name.
/// </summary>
internal static class CommandResolver
{
    public const string WorkloadCommand = "workload";

    private static readonly Lazy<string> Muxer = new(FindMuxer);

    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> command)
    {
        if (command.Count == 0 || command[0] != WorkloadCommand)
        {
            return command;
        }

        return [Muxer.Value, typeof(CommandResolver).Assembly.Location, .. command];
    }

    /// <summary>The <c>dotnet</c> that runs this process: three levels above the shared runtime directory.</summary>
    private static string FindMuxer()
    {
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var muxer = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(muxer) ? muxer : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }
}
