using ApiProxyGateway.Authentication;

namespace ApiProxyGateway.Authorization;

/// <summary>
/// Decides <c>kubectl --as</c> the way kube-apiserver's impersonation filter does: the caller needs verb
/// <c>impersonate</c> on each requested user (or service account), group, UID and extra value, and the
/// impersonated identity gets <c>system:authenticated</c> (or the service-account groups) as kube-apiserver adds them.
/// </summary>
internal sealed class ImpersonationAuthorizer(AccessReviewer reviewer)
{
    private const string ServiceAccountPrefix = "system:serviceaccount:";
    private const string AnonymousUser = KubernetesUser.AnonymousUser;
    private const string UnauthenticatedGroup = KubernetesUser.UnauthenticatedGroup;
    private const string AuthenticationGroup = "authentication.k8s.io";

    public async Task<ImpersonationOutcome> AuthorizeAsync(KubernetesUser caller, ImpersonationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var groups = new List<string>(request.Groups);
        foreach (var attributes in Questions(request, groups))
        {
            var decision = await reviewer.ReviewAsync(caller, attributes, cancellationToken);
            if (!decision.Allowed)
            {
                return new ImpersonationOutcome(null, attributes, decision.Reason);
            }
        }

        if (request.User != AnonymousUser)
        {
            if (!groups.Any(group => group is KubernetesUser.AuthenticatedGroup or UnauthenticatedGroup))
            {
                groups.Add(KubernetesUser.AuthenticatedGroup);
            }
        }
        else if (!groups.Contains(UnauthenticatedGroup, StringComparer.Ordinal))
        {
            groups.Add(UnauthenticatedGroup);
        }

        return new ImpersonationOutcome(new KubernetesUser(request.User, groups, request.Uid, request.Extra), null, "");
    }

    private static IEnumerable<ResourceAttributes> Questions(ImpersonationRequest request, List<string> groups)
    {
        if (request.User.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal)
            && request.User[ServiceAccountPrefix.Length..].Split(':') is [{ Length: > 0 } serviceAccountNamespace, { Length: > 0 } serviceAccount])
        {
            yield return new ResourceAttributes("impersonate", "", "serviceaccounts", Namespace: serviceAccountNamespace, Name: serviceAccount);
            if (request.Groups.Count == 0)
            {
                groups.Add("system:serviceaccounts");
                groups.Add($"system:serviceaccounts:{serviceAccountNamespace}");
            }
        }
        else
        {
            yield return new ResourceAttributes("impersonate", "", "users", Name: request.User);
        }

        foreach (var group in request.Groups)
        {
            yield return new ResourceAttributes("impersonate", "", "groups", Name: group);
        }

        if (request.Uid is { } uid)
        {
            yield return new ResourceAttributes("impersonate", AuthenticationGroup, "uids", Name: uid);
        }

        foreach (var (key, values) in request.Extra)
        {
            foreach (var value in values)
            {
                yield return new ResourceAttributes("impersonate", AuthenticationGroup, "userextras", Subresource: key, Name: value);
            }
        }
    }
}
