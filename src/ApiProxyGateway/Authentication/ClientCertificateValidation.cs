namespace ApiProxyGateway.Authentication;

/// <summary>The outcome of validating one client certificate, valid for caching until <see cref="ValidUntil"/>.</summary>
internal sealed record ClientCertificateValidation(KubernetesUser? User, ClientCertificateFailure Failure, string Detail, DateTimeOffset ValidUntil)
{
    public bool Succeeded => User is not null;
}
