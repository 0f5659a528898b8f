namespace ApiProxyGateway.Authentication;

internal static class ClientCertificateAuthenticationDefaults
{
    public const string AuthenticationScheme = "ClientCertificate";
}
