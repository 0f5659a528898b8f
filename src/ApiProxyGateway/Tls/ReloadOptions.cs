namespace ApiProxyGateway.Tls;

/// <summary>Certificate reloading (section <c>Tls</c>).</summary>
internal sealed record ReloadOptions
{
    public const string SectionName = "Tls";

    /// <summary>
    /// How often every certificate file is re-read, in addition to reacting to file-system events (which can be
    /// missed, e.g. on some volume types). Default 1 minute.
    /// </summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromMinutes(1);
}
