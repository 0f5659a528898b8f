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
    /// <summary>The header of the extra every certificate user has, encoded once rather than per request.</summary>
    private static readonly string CredentialIdHeader = "Impersonate-Extra-" + EncodeExtraKey(KubernetesUser.CredentialIdExtra);

    /// <summary>
    /// Adds the headers for <paramref name="user"/>. For the HTTP/1.1 pool every group is sent, and each group and extra
    /// value is a placeholder line (<see cref="HeaderLines"/>). For HTTP/2 (<paramref name="http2"/>, only when
    /// <see cref="OneValueEach"/> holds) the headers are added as they are, without the group the API server adds back
    /// itself (<see cref="SentGroups"/>).
    /// </summary>
    public static void Apply(HttpRequestHeaders headers, KubernetesUser user, bool http2 = false)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(user);
        headers.TryAddWithoutValidation("Impersonate-User", user.Name);
        var groups = http2 ? SentGroups(user) : user.Groups.Count;
        var placeholderLines = !http2;
        for (var i = 0; i < groups; i++)
        {
            Add(headers, "Impersonate-Group", user.Groups[i], placeholderLines);
        }

        if (user.Uid is { } uid)
        {
            headers.TryAddWithoutValidation("Impersonate-Uid", uid);
        }

        foreach (var (key, values) in user.Extra)
        {
            foreach (var value in values)
            {
                Add(headers, key == KubernetesUser.CredentialIdExtra ? CredentialIdHeader : "Impersonate-Extra-" + EncodeExtraKey(key), value, placeholderLines);
            }
        }
    }

    /// <summary>Whether every impersonation header for <paramref name="user"/> has one value at most once <see cref="SentGroups"/> are left out, so HTTP/2 can carry them.</summary>
    public static bool OneValueEach(KubernetesUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (SentGroups(user) > 1)
        {
            return false;
        }

        foreach (var (_, values) in user.Extra)
        {
            if (values.Count > 1)
            {
                return false;
            }
        }

        // Two keys whose header names differ only in case would be one header, its values joined.
        return user.Extra.Count < 2 || user.Extra.Keys.Select(EncodeExtraKey).Distinct(StringComparer.OrdinalIgnoreCase).Count() == user.Extra.Count;
    }

    /// <summary>
    /// How many of the user's groups are sent over HTTP/2, from the first. kube-apiserver's impersonation filter appends
    /// system:authenticated to a user other than system:anonymous unless system:authenticated or
    /// system:unauthenticated is among the groups asked for. So when system:authenticated is the last group, the only
    /// one of those two, and other groups come before it, it is left out: the API server adds it back in the same
    /// place. (With no groups at all, the API server would give a service account's name its default groups
    /// instead, so a lone system:authenticated is always sent.)
    /// </summary>
    public static int SentGroups(KubernetesUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var groups = user.Groups;
        var count = groups.Count;
        if (count < 2 || user.Name == KubernetesUser.AnonymousUser || groups[count - 1] != KubernetesUser.AuthenticatedGroup)
        {
            return count;
        }

        for (var i = 0; i < count - 1; i++)
        {
            if (groups[i] is KubernetesUser.AuthenticatedGroup or KubernetesUser.UnauthenticatedGroup)
            {
                return count;
            }
        }

        return count - 1;
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

    private static void Add(HttpRequestHeaders headers, string name, string value, bool placeholderLine)
    {
        if (placeholderLine)
        {
            HeaderLines.Add(headers, name, value);
        }
        else
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
