namespace ApiProxyGateway.Revocation;

/// <summary>
/// Whether a certificate is revoked and, if so, a sentence for its owner saying by what; an accepted certificate may
/// need deciding again by <see cref="DecideAgainBy"/> (when its issuer's CRL goes stale and stale CRLs fail closed).
/// </summary>
internal sealed record RevocationVerdict(RevocationSource Source, string Detail, DateTimeOffset? DecideAgainBy)
{
    public bool Refused => Source != RevocationSource.None;

    public static RevocationVerdict Accepted(DateTimeOffset? decideAgainBy) => new(RevocationSource.None, "", decideAgainBy);
}
