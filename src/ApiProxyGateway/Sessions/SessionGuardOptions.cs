namespace ApiProxyGateway.Sessions;

/// <summary>
/// How open connections and streams are held to the access they were granted (section <c>Sessions</c>): every
/// live client certificate is checked again as the trust, the revocation lists and the clock move on, and every
/// open stream is re-authorized with a SubjectAccessReview at an interval.
/// </summary>
internal sealed record SessionGuardOptions
{
    public const string SectionName = "Sessions";

    /// <summary>
    /// How often every open stream (exec, attach, port-forward, logs, upgraded proxy connections) is authorized again,
    /// as when it was opened. Default 1 minute; zero turns re-authorization off.
    /// </summary>
    public TimeSpan StreamReauthorizationInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a stream stays open while the API server cannot answer its re-authorization. Past it the stream is
    /// closed, unless <see cref="StreamReauthorizationFailOpen"/>. Default 1 minute.
    /// </summary>
    public TimeSpan StreamReauthorizationGracePeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Keep streams whose re-authorization stays unknown past the grace period open. Default false: they are closed.</summary>
    public bool StreamReauthorizationFailOpen { get; init; }

    /// <summary>
    /// How often the certificate of every open connection and stream is validated again (cached: a check costs a
    /// lookup unless the client CAs or revocation lists changed or the certificate expired). Default 2 seconds.
    /// </summary>
    public TimeSpan CertificateCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
}
