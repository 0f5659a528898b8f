using System.Buffers;
using System.Text;

namespace ApiProxyGateway.Protocols.Http;

/// <summary>
/// Go's <c>net/url</c> and <c>path</c> rules for request paths, which kube-apiserver, kubelets and Go workloads apply:
/// percent-decoding (an invalid escape is an error), escaping a path for the wire, and <c>path.Clean</c> as
/// kube-apiserver's proxy joins a proxied path. Paths here are decoded text unless a name says otherwise.
/// </summary>
public static class UrlPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What Go leaves unescaped in a path: unreserved characters and <c>$&amp;+,/:;=@</c>.</summary>
    private static readonly SearchValues<char> Unescaped = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~$&+,/:;=@");

    /// <summary>Decodes %XX escapes to bytes and the bytes as UTF-8; throws <see cref="FormatException"/> for a bad escape or bad UTF-8.</summary>
    public static string Decode(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (!escaped.Contains('%', StringComparison.Ordinal))
        {
            return escaped;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(escaped.Length)];
        var count = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c != '%')
            {
                count += Encoding.UTF8.GetBytes(escaped.AsSpan(i, 1), bytes.AsSpan(count));
                continue;
            }

            if (i + 2 >= escaped.Length || !char.IsAsciiHexDigit(escaped[i + 1]) || !char.IsAsciiHexDigit(escaped[i + 2]))
            {
                throw new FormatException($"invalid URL escape \"{escaped.Substring(i, Math.Min(3, escaped.Length - i))}\"");
            }

            bytes[count++] = (byte)((HexValue(escaped[i + 1]) << 4) | HexValue(escaped[i + 2]));
            i += 2;
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("the path is not valid UTF-8 once percent-decoded", e);
        }
    }

    /// <summary>Go's <c>url.URL.EscapedPath</c> of a decoded path: everything but unreserved characters and <c>$&amp;+,/:;=@</c> is escaped.</summary>
    public static string Escape(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var index = path.AsSpan().IndexOfAnyExcept(Unescaped);
        if (index < 0)
        {
            return path;
        }

        var builder = new StringBuilder(path.Length + 16).Append(path, 0, index);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = index; i < path.Length; i++)
        {
            if (!NeedsEscape(path[i]))
            {
                builder.Append(path[i]);
                continue;
            }

            var length = char.IsHighSurrogate(path[i]) && i + 1 < path.Length ? 2 : 1;
            var written = Encoding.UTF8.GetBytes(path.AsSpan(i, length), utf8);
            i += length - 1;
            foreach (var b in utf8[..written])
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// kube-apiserver's proxied path: <c>net.JoinPreservingTrailingSlash(location.Path, path)</c> with an empty location
    /// path, i.e. Go's <c>path.Clean</c> (no empty, "." or inner ".." segments) keeping a trailing slash; "" stays "".
    /// </summary>
    public static string JoinPreservingTrailingSlash(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "";
        }

        var cleaned = Clean(path);
        return path.EndsWith('/') && !cleaned.EndsWith('/') ? cleaned + "/" : cleaned;
    }

    /// <summary>Go's <c>path.Clean</c>.</summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var rooted = path.StartsWith('/');
        var kept = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (kept.Count > 0 && kept[^1] != "..")
                {
                    kept.RemoveAt(kept.Count - 1);
                }
                else if (!rooted)
                {
                    kept.Add(segment);
                }

                continue;
            }

            kept.Add(segment);
        }

        var joined = string.Join('/', kept);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private static bool NeedsEscape(char c) => !Unescaped.Contains(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
