using System.Collections.ObjectModel;
using ApiProxyGateway.Protocols.Http;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.Authorization;

/// <summary>
/// The identity a caller asks to act as (<c>kubectl --as/--as-group/--as-uid</c>), read from the
/// <c>Impersonate-*</c> headers exactly as kube-apiserver reads them: one value per header line, extra keys
/// lower-cased and percent-decoded.
/// </summary>
internal sealed record ImpersonationRequest(
    string User,
    IReadOnlyList<string> Groups,
    string? Uid,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoExtra = ReadOnlyDictionary<string, IReadOnlyList<string>>.Empty;

    /// <summary>Returns null when nothing is impersonated, or throws <see cref="FormatException"/> for a malformed request.</summary>
    /// <remarks>Read on every request: nothing is allocated for one that impersonates nothing.</remarks>
    public static ImpersonationRequest? Parse(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var users = headers[UserHeader];
        var groups = headers[GroupHeader];
        var uids = headers[UidHeader];
        Dictionary<string, IReadOnlyList<string>>? extra = null;
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > ExtraHeaderPrefix.Length)
            {
                var key = Uri.UnescapeDataString(name[ExtraHeaderPrefix.Length..].ToLowerInvariant());
                (extra ??= new(StringComparer.Ordinal))[key] = Values(values);
            }
        }

        if (users.Count == 0)
        {
            return groups.Count > 0 || uids.Count > 0 || extra is not null
                ? throw new FormatException("requested impersonation of groups, a UID or extra attributes without impersonating a user (Impersonate-User)")
                : null;
        }

        if (users.Count > 1 || uids.Count > 1)
        {
            throw new FormatException("only one user and one UID can be impersonated");
        }

        if (string.IsNullOrEmpty(users[0]))
        {
            throw new FormatException("Impersonate-User must not be empty");
        }

        var request = new ImpersonationRequest(users[0]!, Values(groups), uids.Count == 1 ? uids[0] : null, extra ?? NoExtra); // Count checked above
        Check(UserHeader, request.User);
        foreach (var group in request.Groups)
        {
            Check(GroupHeader, group);
        }

        if (request.Uid is { } uid)
        {
            Check(UidHeader, uid);
        }

        foreach (var (key, values) in request.Extra)
        {
            Check($"{ExtraHeaderPrefix}{key} (key)", key);
            foreach (var value in values)
            {
                Check(ExtraHeaderPrefix + key, value);
            }
        }

        return request;
    }

    /// <summary>An impersonated identity must reach the API server exactly as it was authorized.</summary>
    private static void Check(string header, string value)
    {
        if (HeaderText.IdentityProblem(value) is { } problem)
        {
            throw new FormatException($"{header}: the value {problem}");
        }
    }

    private static string[] Values(StringValues values) => [.. values.Where(value => value is not null).Select(value => value!)];
}
