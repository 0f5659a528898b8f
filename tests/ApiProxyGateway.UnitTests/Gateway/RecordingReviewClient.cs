using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>A fake SubjectAccessReview client: answers from a policy and records every question.</summary>
internal sealed class RecordingReviewClient(Func<ResourceAttributes, bool> policy, Task? gate = null) : ISubjectAccessReviewClient
{
    private readonly List<ResourceAttributes> _questions = [];

    public IReadOnlyList<ResourceAttributes> Questions
    {
        get
        {
            lock (_questions)
            {
                return [.. _questions];
            }
        }
    }

    public async Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, CancellationToken cancellationToken)
    {
        lock (_questions)
        {
            _questions.Add(attributes);
        }

        if (gate is not null)
        {
            await gate;
        }

        return new AccessDecision(policy(attributes), "");
    }
}
