using System.Text;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>
/// The page behind <c>/gzip-bomb?mb=N</c>: links at the top and the bottom around N MiB of markup that compresses
/// about a thousandfold (tags, a comment, a script and a quoted '&gt;' in every 16 KiB, the rest one letter), so a
/// gzip body of tens of KiB inflates to N MiB. Written as a stream: nothing holds the page. The links start with
/// <c>linkBase</c>, so a test can write the page it expects back from the proxy.
/// </summary>
internal static class GzipBombPage
{
    private const int BlockSize = 16 * 1024;
    private const int BlocksPerMebibyte = (1024 * 1024) / BlockSize;

    private static readonly byte[] Block = MakeBlock();

    public static long Length(int megabytes, string linkBase) =>
        Head(linkBase).Length + ((long)megabytes * 1024 * 1024) + Tail(linkBase).Length;

    public static async Task WriteAsync(Stream output, int megabytes, string linkBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteAsync(Head(linkBase), cancellationToken);
        for (var i = 0; i < megabytes * BlocksPerMebibyte; i++)
        {
            await output.WriteAsync(Block, cancellationToken);
        }

        await output.WriteAsync(Tail(linkBase), cancellationToken);
    }

    public static void Write(Stream output, int megabytes, string linkBase)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Head(linkBase));
        for (var i = 0; i < megabytes * BlocksPerMebibyte; i++)
        {
            output.Write(Block);
        }

        output.Write(Tail(linkBase));
    }

    private static byte[] Head(string linkBase) => Encoding.UTF8.GetBytes(
        $"<!DOCTYPE html>\n<html><head><title>gzip bomb</title><link rel=\"stylesheet\" href=\"{linkBase}/style.css\"></head>\n" +
        $"<body><a href=\"{linkBase}/first\">first</a> <a href=\"relative\">relative</a> <a href=\"https://example.invalid/\">external</a>\n");

    private static byte[] Tail(string linkBase) => Encoding.UTF8.GetBytes(
        $"<a href=\"{linkBase}/last\">last</a><img src=\"{linkBase}/images/logo.png\"></body></html>\n");

    private static byte[] MakeBlock()
    {
        const string open = "<div class=\"row\" data-note='a > b'><!-- a row --><script>if (a < b) { c = '<a href=\"/in-script\">'; }</script><p>";
        const string close = "</p></div>\n";
        return Encoding.ASCII.GetBytes(open + new string('x', BlockSize - open.Length - close.Length) + close);
    }
}
