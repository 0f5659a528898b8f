using System.Net.Http.Headers;
using System.Text;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Writes the identity the API server should act as: <c>Impersonate-User</c>, one <c>Impersonate-Group</c> line
/// per group, <c>Impersonate-Uid</c>, and <c>Impersonate-Extra-&lt;key&gt;</c> lines with the key percent-encoded.
/// </summary>
internal static class ImpersonationHeaders
{
    public static void Apply(HttpRequestHeaders headers, KubernetesUser user)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(user);
        headers.TryAddWithoutValidation("Impersonate-User", user.Name);
        foreach (var group in user.Groups)
        {
            HeaderLines.Add(headers, "Impersonate-Group", group);
        }

        if (user.Uid is { } uid)
        {
            headers.TryAddWithoutValidation("Impersonate-Uid", uid);
        }

        foreach (var (key, values) in user.Extra)
        {
            foreach (var value in values)
            {
                HeaderLines.Add(headers, "Impersonate-Extra-" + EncodeExtraKey(key), value);
            }
        }
    }

    /// <summary>Percent-encodes what may not appear in a header name (e.g. '/' becomes %2f), as kube clients do.</summary>
    public static string EncodeExtraKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '*' or '+' or '^' or '`' or '|')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexStringLower([b]));
            }
        }

        return builder.ToString();
    }
}
