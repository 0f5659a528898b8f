using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Builds the chain of a caller's certificate against the configured client CAs only, then maps it to a user.
/// Results are cached by SHA-256 thumbprint (see <see cref="ClientCertificateValidationCache"/>).
/// </summary>
internal sealed class ClientCertificateValidator(ServingTlsProvider tls, ClientCertificateValidationCache cache, TimeProvider timeProvider)
{
    public ClientCertificateValidation Validate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var material = tls.Current;
        var now = timeProvider.GetUtcNow();
        if (cache.TryGet(material.Generation, certificate, now) is { } cached)
        {
            return cached;
        }

        var result = ValidateUncached(certificate, material.ClientAuthorities, now);
        cache.Set(material.Generation, certificate, result, now);
        return result;
    }

    private static ClientCertificateValidation ValidateUncached(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTimeOffset now)
    {
        var validUntil = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        using var chain = new X509Chain { ChainPolicy = ClientChainPolicy.Create(authorities, now) };
        try
        {
            if (!chain.Build(certificate))
            {
                var (failure, detail) = Classify(chain);
                return new ClientCertificateValidation(null, failure, detail, validUntil);
            }

            if (GoCertificateRules.Problem(chain.ChainElements) is { } refused)
            {
                return new ClientCertificateValidation(null, ClientCertificateFailure.InsecureCertificate, refused, validUntil);
            }
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }

        var mapping = ClientCertificateIdentity.Map(certificate);
        return new ClientCertificateValidation(mapping.User, mapping.Failure, mapping.Detail, validUntil);
    }

    private static (ClientCertificateFailure Failure, string Detail) Classify(X509Chain chain)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
        var detail = string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()).Where(text => text.Length > 0));
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return (ClientCertificateFailure.UnknownAuthority, detail);
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            var element = chain.ChainElements[0].Certificate;
            var expired = chain.ChainPolicy.VerificationTime.ToUniversalTime() > element.NotAfter.ToUniversalTime();
            return (expired ? ClientCertificateFailure.Expired : ClientCertificateFailure.NotYetValid, detail);
        }

        return (flags & X509ChainStatusFlags.NotValidForUsage) != 0
            ? (ClientCertificateFailure.MissingClientAuthUsage, detail)
            : (ClientCertificateFailure.Invalid, detail);
    }
}
