using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// kube-apiserver's impersonation filter: <c>Impersonate-User</c>, repeated <c>Impersonate-Group</c>,
/// <c>Impersonate-Uid</c> and <c>Impersonate-Extra-{key}</c> (key percent-decoded). Each requested piece is authorized
/// as verb <c>impersonate</c> on users / groups / serviceaccounts (core) or uids / userextras/{key}
/// (authentication.k8s.io); the headers are then removed and the request proceeds as the impersonated user.
/// </summary>
internal sealed class Impersonation(RbacAuthorizer authorizer)
{
    private const string UserHeader = "Impersonate-User";
    private const string GroupHeader = "Impersonate-Group";
    private const string UidHeader = "Impersonate-Uid";
    private const string ExtraPrefix = "Impersonate-Extra-";
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    public ImpersonationResult Apply(HttpRequest request, UserInfo requester)
    {
        var headers = request.Headers;
        var user = headers[UserHeader].ToString();
        var groups = headers[GroupHeader].Where(g => g is not null).Select(g => g!).ToList();
        var uid = headers[UidHeader].ToString();
        var extras = headers.Where(h => h.Key.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => Uri.UnescapeDataString(h.Key[ExtraPrefix.Length..]).ToLowerInvariant(), h => (IReadOnlyList<string>)[.. h.Value.Select(v => v ?? "")]);
        if (user.Length == 0 && groups.Count == 0 && uid.Length == 0 && extras.Count == 0)
        {
            return ImpersonationResult.As(requester);
        }

        if (user.Length == 0)
        {
            return new ImpersonationResult(null, null, "", "requested impersonation of groups, uid or extras without impersonating a user");
        }

        // Check in kube-apiserver's order: the user, each group, each extra value, the uid.
        var checks = new List<AuthorizationAttributes>();
        var groupsToUse = new List<string>(groups);
        if (user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && user[ServiceAccountPrefix.Length..].Split(':') is [var saNamespace, var saName])
        {
            checks.Add(Check(requester, "", "serviceaccounts", "", saName, saNamespace));
            if (groups.Count == 0)
            {
                groupsToUse.AddRange(["system:serviceaccounts", $"system:serviceaccounts:{saNamespace}"]);
            }
        }
        else
        {
            checks.Add(Check(requester, "", "users", "", user));
        }

        checks.AddRange(groups.Select(g => Check(requester, "", "groups", "", g)));
        checks.AddRange(extras.SelectMany(e => e.Value.Select(v => Check(requester, "authentication.k8s.io", "userextras", e.Key, v))));
        if (uid.Length > 0)
        {
            checks.Add(Check(requester, "authentication.k8s.io", "uids", "", uid));
        }

        foreach (var check in checks)
        {
            var decision = authorizer.Authorize(check);
            if (!decision.Allowed)
            {
                return new ImpersonationResult(null, check, decision.Reason, null);
            }
        }

        // kube-apiserver's impersonation filter: a non-anonymous user gets system:authenticated unless it or
        // system:unauthenticated was asked for; system:anonymous gets system:unauthenticated.
        if (user != UserInfo.Anonymous && !groupsToUse.Any(g => g is UserInfo.AllAuthenticated or UserInfo.AllUnauthenticated))
        {
            groupsToUse.Add(UserInfo.AllAuthenticated);
        }
        else if (user == UserInfo.Anonymous && !groupsToUse.Contains(UserInfo.AllUnauthenticated))
        {
            groupsToUse.Add(UserInfo.AllUnauthenticated);
        }

        foreach (var header in headers.Keys.Where(k => k.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(header);
        }

        return ImpersonationResult.As(new UserInfo(user, groupsToUse, uid, extras));
    }

    private static AuthorizationAttributes Check(UserInfo requester, string group, string resource, string subresource, string name, string @namespace = "") => new()
    {
        User = requester,
        Verb = "impersonate",
        IsResourceRequest = true,
        ApiGroup = group,
        ApiVersion = "v1",
        Resource = resource,
        Subresource = subresource,
        Name = name,
        Namespace = @namespace,
    };
}
