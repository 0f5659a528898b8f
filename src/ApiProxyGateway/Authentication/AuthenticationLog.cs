using ApiProxyGateway.Telemetry;
namespace ApiProxyGateway.Authentication;

/// <summary>Authentication log messages (event ids 100–199). Certificates are named by subject and thumbprint only.</summary>
internal static partial class AuthenticationLog
{
    [LoggerMessage(EventIds.NoClientCertificate, LogLevel.Information, "Request from {RemoteAddress} presented no client certificate")]
    public static partial void NoCertificate(ILogger logger, string? remoteAddress);

    [LoggerMessage(EventIds.ClientCertificateRejected, LogLevel.Information, "Client certificate '{Subject}' ({Thumbprint}) rejected: {Failure}: {Detail}")]
    public static partial void CertificateRejected(ILogger logger, string subject, string thumbprint, ClientCertificateFailure failure, string detail);

    [LoggerMessage(EventIds.ClientCertificateRevoked, LogLevel.Warning, "Client certificate '{Subject}' ({CredentialId}) refused ({Source}): {Detail}")]
    public static partial void CertificateRevoked(ILogger logger, string subject, string credentialId, string source, string detail);
}
