using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Authorization;

/// <summary>
/// Works out whom a request acts as: the authenticated caller, or — for <c>kubectl --as</c> — the identity the
/// caller is allowed to impersonate. When it cannot, it has already answered with a Status and returns null.
/// </summary>
internal sealed partial class EffectiveUserResolver(ImpersonationAuthorizer impersonation, ILogger<EffectiveUserResolver> logger)
{
    public async Task<KubernetesUser?> ResolveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = KubernetesUser.FromPrincipal(context.User);
        if (caller is null)
        {
            await KubernetesStatus.UnauthorizedAsync(context);
            return null;
        }

        ImpersonationRequest? requested;
        try
        {
            requested = ImpersonationRequest.Parse(context.Request.Headers);
        }
        catch (FormatException e)
        {
            await KubernetesStatus.BadRequestAsync(context, e.Message);
            return null;
        }

        if (requested is null)
        {
            return caller;
        }

        ImpersonationOutcome outcome;
        try
        {
            outcome = await impersonation.AuthorizeAsync(caller, requested, context.RequestAborted);
        }
        catch (AuthorizationUnavailableException e)
        {
            ImpersonationUnavailable(logger, caller.Name, e.Message);
            await KubernetesStatus.ServiceUnavailableAsync(context, $"impersonation of \"{requested.User}\" could not be authorized: {e.Message}");
            return null;
        }

        if (outcome.Denied is { } denied)
        {
            // Audited as kube-apiserver audits its impersonation denials: the caller, and the decision with its reason.
            var audit = context.Features.Get<AuditEntry>();
            audit?.Annotate(AuditEntry.DecisionAnnotation, "forbid");
            audit?.Annotate(AuditEntry.ReasonAnnotation, outcome.Reason);
            ImpersonationDenied(logger, caller.Name, denied.Verb, denied.ResourceWithSubresource, denied.Name);
            await KubernetesStatus.ForbiddenAsync(context, ForbiddenStatus.Message(caller, denied, outcome.Reason), denied.Resource, denied.Group, denied.Name);
            return null;
        }

        Impersonating(logger, caller.Name, requested.User);
        context.Features.Get<AuditEntry>()?.ImpersonatedUser = outcome.Effective;
        return outcome.Effective;
    }

    [LoggerMessage(EventIds.ImpersonationDenied, LogLevel.Information, "User '{User}' denied impersonating: {Verb} {Resource} '{Name}'")]
    private static partial void ImpersonationDenied(ILogger logger, string user, string verb, string resource, string name);

    [LoggerMessage(EventIds.ImpersonationUnavailable, LogLevel.Warning, "Impersonation for user '{User}' could not be authorized: {Reason}")]
    private static partial void ImpersonationUnavailable(ILogger logger, string user, string reason);

    [LoggerMessage(EventIds.Impersonating, LogLevel.Information, "User '{User}' acts as '{Impersonated}'")]
    private static partial void Impersonating(ILogger logger, string user, string impersonated);
}
