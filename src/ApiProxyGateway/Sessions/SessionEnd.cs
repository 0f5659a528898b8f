namespace ApiProxyGateway.Sessions;

/// <summary>
/// Why the gateway ended a connection or stream that was still in use: <see cref="EndedBy"/> is the metric label
/// and the audit's <c>ended-by</c>; <see cref="Message"/> is what the client is told where its protocol can carry it.
/// </summary>
internal sealed record SessionEnd(string EndedBy, string Message)
{
    /// <summary>The stream's permission was re-authorized and denied.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The API server could not answer the stream's re-authorization for longer than the grace period.</summary>
    public const string AuthorizationUnavailable = "authorization-unavailable";

    /// <summary>The gateway is shutting down and its drain period is over.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>The client certificate is no longer accepted (revoked, expired, its CA removed, ...).</summary>
    public const string CertificateRejected = "certificate-rejected";

    /// <summary>The session's recording could not be written, and recording is required.</summary>
    public const string RecordingFailed = "recording-failed";
}
