using ApiProxyGateway.Authentication;

namespace ApiProxyGateway.Authorization;

/// <summary>Sends one SubjectAccessReview (<see cref="SubjectAccessReviewClient"/>); faked in unit tests.</summary>
internal interface ISubjectAccessReviewClient
{
    Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, CancellationToken cancellationToken);
}
