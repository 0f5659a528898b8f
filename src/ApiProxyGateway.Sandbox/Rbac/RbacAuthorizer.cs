using k8s.Models;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>
/// kube-apiserver's authorizer chain as the sandbox runs it: the privileged-group short cut for
/// <c>system:masters</c>, then RBAC over the store's roles and bindings (ClusterRoleBindings first, then the
/// RoleBindings of the request's namespace), with kube-apiserver's reason strings.
/// </summary>
internal sealed class RbacAuthorizer(ResourceStore store)
{
    private volatile RbacPolicy? _policy;

    public AuthorizationDecision Authorize(AuthorizationAttributes request)
    {
        if (request.User.Groups.Contains(UserInfo.SystemMasters))
        {
            return new AuthorizationDecision(true, ""); // kube-apiserver's privileged-group authorizer gives no reason
        }

        var errors = new List<string>();
        foreach (var (source, rule) in Visit(request.User, request.Namespace, errors))
        {
            if (PolicyRuleMatcher.Allows(request, rule))
            {
                return new AuthorizationDecision(true, $"RBAC: allowed by {source}");
            }
        }

        return new AuthorizationDecision(false, errors.Count > 0 ? $"RBAC: {Aggregate(errors)}" : "");
    }

    /// <summary>Every rule that applies to the user in the namespace (SelfSubjectRulesReview), with lookup errors.</summary>
    public (IReadOnlyList<V1PolicyRule> Rules, IReadOnlyList<string> Errors) RulesFor(UserInfo user, string @namespace)
    {
        var errors = new List<string>();
        var rules = Visit(user, @namespace, errors).Select(v => v.Rule).ToList();
        return (rules, errors);
    }

    private IEnumerable<(string Source, V1PolicyRule Rule)> Visit(UserInfo user, string @namespace, List<string> errors)
    {
        var policy = CurrentPolicy();
        foreach (var binding in policy.ClusterRoleBindings)
        {
            if (FirstApplying(user, binding.Subjects, "") is not { } subject)
            {
                continue;
            }

            var rules = policy.RulesOf(binding.RoleRef, "", out var error);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            var source = $"ClusterRoleBinding \"{binding.Metadata.Name}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {Describe(subject, "")}";
            foreach (var rule in rules!) // ! RulesOf returns rules whenever error is null
            {
                yield return (source, rule);
            }
        }

        if (@namespace.Length == 0)
        {
            yield break;
        }

        foreach (var binding in policy.RoleBindings.Where(b => b.Metadata.NamespaceProperty == @namespace))
        {
            if (FirstApplying(user, binding.Subjects, @namespace) is not { } subject)
            {
                continue;
            }

            var rules = policy.RulesOf(binding.RoleRef, @namespace, out var error);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            var source = $"RoleBinding \"{binding.Metadata.Name}/{@namespace}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {Describe(subject, @namespace)}";
            foreach (var rule in rules!) // ! as above
            {
                yield return (source, rule);
            }
        }
    }

    private RbacPolicy CurrentPolicy()
    {
        var policy = _policy;
        if (policy is null || policy.ResourceVersion != store.ResourceVersion)
        {
            policy = RbacPolicy.Load(store);
            _policy = policy;
        }

        return policy;
    }

    private static Rbacv1Subject? FirstApplying(UserInfo user, IList<Rbacv1Subject>? subjects, string bindingNamespace) =>
        subjects?.FirstOrDefault(s => s.Kind switch
        {
            "User" => s.Name == user.Name,
            "Group" => user.Groups.Contains(s.Name),
            "ServiceAccount" => user.Name == $"system:serviceaccount:{(string.IsNullOrEmpty(s.NamespaceProperty) ? bindingNamespace : s.NamespaceProperty)}:{s.Name}",
            _ => false,
        });

    private static string Describe(Rbacv1Subject subject, string bindingNamespace) => subject.Kind == "ServiceAccount"
        ? $"{subject.Kind} \"{subject.Name}/{(string.IsNullOrEmpty(subject.NamespaceProperty) ? bindingNamespace : subject.NamespaceProperty)}\""
        : $"{subject.Kind} \"{subject.Name}\"";

    private static string Aggregate(List<string> errors) => errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";
}
