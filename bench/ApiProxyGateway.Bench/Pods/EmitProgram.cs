using System.Globalization;

namespace ApiProxyGateway.Bench.Pods;

/// <summary><c>emit --bytes N</c>: the exec target; writes N pattern bytes to stdout and exits.</summary>
internal static class EmitProgram
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var count = args is ["--bytes", var n] ? long.Parse(n, CultureInfo.InvariantCulture) : 1 << 20;
        await using var stdout = Console.OpenStandardOutput();
        await DataPattern.WriteAsync(stdout, count, CancellationToken.None);
        return 0;
    }
}
