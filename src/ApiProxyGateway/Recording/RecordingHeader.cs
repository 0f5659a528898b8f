namespace ApiProxyGateway.Recording;

/// <summary>Who did what where: the first line of every recording.</summary>
internal sealed record RecordingHeader(
    string AuditId,
    string User,
    IReadOnlyList<string> Groups,
    string Namespace,
    string Pod,
    string? Container,
    string Subresource,
    IReadOnlyList<string> Command,
    bool Tty,
    DateTimeOffset Started);
