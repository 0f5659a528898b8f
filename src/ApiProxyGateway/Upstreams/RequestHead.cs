using System.Globalization;
using System.Text;

namespace ApiProxyGateway.Upstreams;

/// <summary>Rewrites one HTTP/1.1 request head and reports how its body is framed.</summary>
internal static class RequestHead
{
    public static (string Head, RequestFraming Framing) Rewrite(string head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var lines = head.Split("\r\n");
        var output = new StringBuilder(head.Length);
        long contentLength = 0;
        bool chunked = false, upgrade = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (i > 0 && HeaderLines.IsPlaceholder(line))
            {
                line = Unwrap(line);
            }

            if (i > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    var name = line.AsSpan(0, colon).Trim();
                    var value = line.AsSpan(colon + 1).Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        contentLength = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    }
                    else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        chunked |= value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                    }
                    else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
                    {
                        upgrade = true;
                    }
                }
            }

            output.Append(line);
            if (i < lines.Length - 1)
            {
                output.Append("\r\n");
            }
        }

        return (output.ToString(), new RequestFraming(chunked ? -1 : contentLength, upgrade));
    }

    /// <summary><c>X-Apg-Line-3: Impersonate-Group: a</c> becomes <c>Impersonate-Group: a</c>.</summary>
    private static string Unwrap(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? line : line[(colon + 1)..].TrimStart(' ', '\t');
    }
}
