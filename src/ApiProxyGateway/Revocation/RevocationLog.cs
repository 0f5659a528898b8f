using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Revocation;

/// <summary>Revocation material log messages (event ids 1400–1499); refusals are logged by authentication.</summary>
internal static partial class RevocationLog
{
    [LoggerMessage(EventIds.CrlLoaded, LogLevel.Information, "Client CRL '{File}' of '{Issuer}' in use: {Revoked} revoked certificate(s), issued {ThisUpdate:o}, next update {NextUpdate:o}")]
    public static partial void CrlLoaded(ILogger logger, string file, string issuer, int revoked, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate);

    [LoggerMessage(EventIds.CrlStale, LogLevel.Warning, "Client CRL '{File}' of '{Issuer}' is stale: its next update was due at {NextUpdate:o}, {Overdue} ago; publish a new CRL")]
    public static partial void CrlStale(ILogger logger, string file, string issuer, DateTimeOffset nextUpdate, TimeSpan overdue);

    [LoggerMessage(EventIds.DenylistLoaded, LogLevel.Information, "Client certificate denylist '{File}' in use: {Thumbprints} thumbprint(s), {IssuerSerials} issuer and serial entries")]
    public static partial void DenylistLoaded(ILogger logger, string file, int thumbprints, int issuerSerials);
}
