namespace ApiProxyGateway.Authentication;

/// <summary>The user a certificate maps to, or why it maps to none (a sentence that may be shown to the caller).</summary>
internal sealed record ClientCertificateMapping(KubernetesUser? User, ClientCertificateFailure Failure, string Detail)
{
    public static ClientCertificateMapping Refused(ClientCertificateFailure failure, string detail) => new(null, failure, detail);
}
