using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ApiProxyGateway.Bench.Pods;

/// <summary>
/// <c>logsource --lines N --width W</c>: writes N deterministic lines of W bytes (newline included) to stdout once,
/// then stays up, so the container's log is a fixed, known text for the large <c>logs</c> read.
/// </summary>
internal static class LogSource
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ParentWatch.Start();
        var (lines, width) = Parse(args);
        await using var stdout = Console.OpenStandardOutput();
        for (var i = 0; i < lines; i++)
        {
            await stdout.WriteAsync(Line(i, width));
        }

        await stdout.FlushAsync();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    public static (int Lines, int Width) Parse(IReadOnlyList<string> args) =>
        args is ["--lines", var l, "--width", var w] ? (int.Parse(l, CultureInfo.InvariantCulture), int.Parse(w, CultureInfo.InvariantCulture)) : (1000, 1024);

    public static long Length(int lines, int width) => (long)lines * width;

    public static string Sha256(int lines, int width)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < lines; i++)
        {
            hash.AppendData(Line(i, width));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] Line(int index, int width)
    {
        var text = new StringBuilder(width);
        text.Append(index.ToString("D8", CultureInfo.InvariantCulture)).Append(' ');
        var offset = index * 7;
        while (text.Length < width - 1)
        {
            text.Append((char)('a' + (offset++ % 26)));
        }

        text.Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
