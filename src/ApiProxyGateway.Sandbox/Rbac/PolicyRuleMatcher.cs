using k8s.Models;

namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>RBAC's rule matching (rbac/v1 helpers): verbs, API groups, resources with subresources, names, URLs.</summary>
internal static class PolicyRuleMatcher
{
    private const string All = "*";

    public static bool Allows(AuthorizationAttributes request, V1PolicyRule rule)
    {
        if (!Contains(rule.Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrlMatches(rule.NonResourceURLs, request.Path);
        }

        return Contains(rule.ApiGroups, request.ApiGroup)
            && ResourceMatches(rule.Resources, request.Resource, request.Subresource)
            && (rule.ResourceNames is null || rule.ResourceNames.Count == 0 || rule.ResourceNames.Contains(request.Name));
    }

    /// <summary>
    /// <c>*</c> matches everything, <c>pods/log</c> matches exactly, and <c>*/log</c> matches the log subresource of any
    /// resource. A plain <c>pods</c> never covers a subresource.
    /// </summary>
    public static bool ResourceMatches(IList<string>? ruleResources, string resource, string subresource)
    {
        var combined = subresource.Length > 0 ? $"{resource}/{subresource}" : resource;
        foreach (var candidate in ruleResources ?? [])
        {
            if (candidate == All || candidate == combined)
            {
                return true;
            }

            if (subresource.Length > 0 && candidate == "*/" + subresource)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Exact paths, <c>*</c>, and a trailing <c>*</c> as a prefix match (<c>/apis/*</c>).</summary>
    public static bool NonResourceUrlMatches(IList<string>? ruleUrls, string path)
    {
        foreach (var candidate in ruleUrls ?? [])
        {
            if (candidate == All || candidate == path)
            {
                return true;
            }

            if (candidate.EndsWith('*') && path.StartsWith(candidate[..^1], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IList<string>? values, string wanted) =>
        values is not null && (values.Contains(All) || values.Contains(wanted));
}
