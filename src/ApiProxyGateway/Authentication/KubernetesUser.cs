using System.Security.Claims;

namespace ApiProxyGateway.Authentication;

/// <summary>A caller as Kubernetes sees it: user name, groups, optional UID and extra attributes.</summary>
internal sealed record KubernetesUser(
    string Name,
    IReadOnlyList<string> Groups,
    string? Uid,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string AuthenticatedGroup = "system:authenticated";

    public const string UnauthenticatedGroup = "system:unauthenticated";

    public const string AnonymousUser = "system:anonymous";

    /// <summary>The extra key kube-apiserver uses to record which credential authenticated a request.</summary>
    public const string CredentialIdExtra = "authentication.kubernetes.io/credential-id";

    private const string GroupClaim = "kubernetes.io/group";
    private const string UidClaim = "kubernetes.io/uid";
    private const string ExtraClaimPrefix = "kubernetes.io/extra/";

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Name) };
        claims.AddRange(Groups.Select(group => new Claim(GroupClaim, group)));
        if (Uid is not null)
        {
            claims.Add(new Claim(UidClaim, Uid));
        }

        foreach (var (key, values) in Extra)
        {
            claims.AddRange(values.Select(value => new Claim(ExtraClaimPrefix + key, value)));
        }

        return new ClaimsPrincipal(new UserIdentity(this, claims, authenticationType));
    }

    public static KubernetesUser? FromPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return null;
        }

        if (principal.Identity is UserIdentity { User: var user })
        {
            return user; // the authenticated user itself: read back from the claims on every request, it cost more than the request's forwarding
        }

        var groups = principal.FindAll(GroupClaim).Select(claim => claim.Value).ToArray();
        var uid = principal.FindFirst(UidClaim)?.Value;
        var extra = principal.Claims
            .Where(claim => claim.Type.StartsWith(ExtraClaimPrefix, StringComparison.Ordinal))
            .GroupBy(claim => claim.Type[ExtraClaimPrefix.Length..], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)group.Select(claim => claim.Value).ToArray(), StringComparer.Ordinal);
        return new KubernetesUser(name, groups, uid, extra);
    }

    /// <summary>The identity <see cref="ToPrincipal"/> makes: its claims, and the user they were made from.</summary>
    private sealed class UserIdentity(KubernetesUser user, IEnumerable<Claim> claims, string authenticationType)
        : ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, GroupClaim)
    {
        public KubernetesUser User { get; } = user;
    }
}
