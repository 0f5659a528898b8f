using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ApiProxyGateway.Authorization;

/// <summary>Asks the API server a SubjectAccessReview through the gateway's client (<see cref="KubernetesApi"/>).</summary>
internal sealed class SubjectAccessReviewClient(KubernetesApi api) : ISubjectAccessReviewClient
{
    public async Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Name,
                Groups = [.. user.Groups],
                Uid = user.Uid,
                Extra = user.Extra.ToDictionary(pair => pair.Key, pair => (IList<string>)[.. pair.Value]),
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = attributes.Verb,
                    Group = attributes.Group,
                    Resource = attributes.Resource,
                    Subresource = attributes.Subresource,
                    NamespaceProperty = attributes.Namespace,
                    Name = attributes.Name,
                },
            },
        };

        try
        {
            var result = await api.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: cancellationToken);
            var status = result.Status ?? throw new AuthorizationUnavailableException("the API server returned a SubjectAccessReview without status");
            return Decision(status);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AuthorizationUnavailableException($"the API server could not be asked: {e.Message}", e);
        }
    }

    /// <summary>
    /// Only <c>allowed: true</c> (and not <c>denied</c>) allows. Everything else is a denial: no opinion, an evaluation
    /// error, a conditional decision (KEP-5681, which a conditions-unaware client such as the gateway receives as not
    /// allowed), whatever a future API server adds. The reason says which, for the 403 and the audit event.
    /// </summary>
    internal static AccessDecision Decision(V1SubjectAccessReviewStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var reason = status.Reason ?? "";
        if (!string.IsNullOrEmpty(status.EvaluationError))
        {
            reason = reason.Length == 0 ? $"evaluation error: {status.EvaluationError}" : $"{reason} (evaluation error: {status.EvaluationError})";
        }

        return new AccessDecision(status.Allowed && status.Denied != true, reason);
    }
}
