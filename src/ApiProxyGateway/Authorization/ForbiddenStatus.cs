using ApiProxyGateway.Authentication;

namespace ApiProxyGateway.Authorization;

/// <summary>The 403 message kube-apiserver gives for a denied request, word for word, so kubectl shows the same.</summary>
internal static class ForbiddenStatus
{
    public static string Message(KubernetesUser user, ResourceAttributes attributes, string reason)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        var groupResource = attributes.Group.Length == 0 ? attributes.Resource : $"{attributes.Resource}.{attributes.Group}";
        var subject = attributes.Name.Length == 0 ? groupResource : $"{groupResource} \"{attributes.Name}\"";
        var scope = attributes.Namespace.Length == 0 ? "at the cluster scope" : $"in the namespace \"{attributes.Namespace}\"";
        var message = $"{subject} is forbidden: User \"{user.Name}\" cannot {attributes.Verb} resource \"{attributes.ResourceWithSubresource}\" in API group \"{attributes.Group}\" {scope}";
        return reason.Length == 0 ? message : $"{message}: {reason}";
    }
}
