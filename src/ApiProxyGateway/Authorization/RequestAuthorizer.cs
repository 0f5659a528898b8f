using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Authorization;

/// <summary>
/// Authorizes a request the gateway serves itself, for the user it acts as. A denial is answered with
/// kube-apiserver's 403 message; an API server that cannot answer means 503, never "allowed". The decision
/// and its reason go to the audit entry.
/// </summary>
internal sealed partial class RequestAuthorizer(AccessReviewer reviewer, ILogger<RequestAuthorizer> logger)
{
    public async Task<bool> AuthorizeAsync(HttpContext context, KubernetesUser user, ResourceAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        AccessDecision decision;
        try
        {
            decision = await reviewer.ReviewAsync(user, attributes, context.RequestAborted);
        }
        catch (AuthorizationUnavailableException e)
        {
            Unavailable(logger, user.Name, attributes.Verb, attributes.ResourceWithSubresource, e.Message);
            await KubernetesStatus.ServiceUnavailableAsync(context, $"the request could not be authorized: {e.Message}");
            return false;
        }

        var audit = context.Features.Get<AuditEntry>();
        audit?.Annotate(AuditEntry.DecisionAnnotation, decision.Allowed ? "allow" : "forbid");
        audit?.Annotate(AuditEntry.ReasonAnnotation, decision.Reason);
        if (decision.Allowed)
        {
            return true;
        }

        Denied(logger, user.Name, attributes.Verb, attributes.ResourceWithSubresource, attributes.Namespace, attributes.Name);
        await KubernetesStatus.ForbiddenAsync(context, ForbiddenStatus.Message(user, attributes, decision.Reason), attributes.Resource, attributes.Group, attributes.Name);
        return false;
    }

    [LoggerMessage(EventIds.RequestDenied, LogLevel.Information, "User '{User}' denied {Verb} {Resource} '{Namespace}/{Name}'")]
    private static partial void Denied(ILogger logger, string user, string verb, string resource, string @namespace, string name);

    [LoggerMessage(EventIds.AuthorizationUnavailable, LogLevel.Warning, "Authorizing {Verb} {Resource} for user '{User}' failed: {Reason}")]
    private static partial void Unavailable(ILogger logger, string user, string verb, string resource, string reason);
}
