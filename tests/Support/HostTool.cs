using Xunit.Sdk;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// The programs the tests run from the machine (kubectl, promtool, openssl, node, python3), found on PATH as a shell's
/// <c>command -v</c> finds them. A missing program fails the test saying what it is needed for: never a skip.
/// </summary>
internal static class HostTool
{
    /// <summary>Every file named <paramref name="name"/> in the PATH directories, in PATH order (<c>command -v -a</c>).</summary>
    public static IEnumerable<string> FindAll(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .Where(File.Exists)
            .Distinct(StringComparer.Ordinal);

    /// <summary>The first <paramref name="name"/> on PATH; fails the test with "<paramref name="name"/> was not found on PATH: <paramref name="need"/>" when there is none.</summary>
    public static string Require(string name, string need) =>
        FindAll(name).FirstOrDefault() ?? throw Missing($"{name} was not found on PATH: {need}");

    /// <summary>The failure of a test whose tool is missing, for a throw expression.</summary>
    public static FailException Missing(string message) => FailException.ForFailure(message);
}
