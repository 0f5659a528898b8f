using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Revocation;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Builds the chain of a caller's certificate against the configured client CAs only, refuses it if revoked or too
/// long-lived, then maps it to a user. Results are cached by SHA-256 thumbprint under the generations of the trust
/// and of the revocation material (see <see cref="ClientCertificateValidationCache"/>), so that a reload of either
/// applies to the next validation, that of a live connection's certificate included.
/// </summary>
internal sealed class ClientCertificateValidator(
    ServingTlsProvider tls,
    RevocationChecker revocation,
    ClientCertificateValidationCache cache,
    IOptionsMonitor<ClientCertificateAuthenticationOptions> options,
    TimeProvider timeProvider)
{
    private readonly TimeSpan _maxLifetime = options.Get(ClientCertificateAuthenticationDefaults.AuthenticationScheme).MaxClientCertificateLifetime;

    public ClientCertificateValidation Validate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var material = tls.Current;
        var generation = new ClientCertificateValidationCache.Generations(material.Generation, revocation.Generation);
        var now = timeProvider.GetUtcNow();
        if (cache.TryGet(generation, certificate, now) is { } cached)
        {
            return cached;
        }

        var result = ValidateUncached(certificate, material.ClientAuthorities, now);
        cache.Set(generation, certificate, result, now);
        return result;
    }

    private ClientCertificateValidation ValidateUncached(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTimeOffset now)
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

            var issuer = chain.ChainElements.Count > 1 ? chain.ChainElements[1].Certificate : null;
            var verdict = revocation.Check(certificate, issuer, now);
            if (verdict.Refused)
            {
                return new ClientCertificateValidation(null, Failure(verdict.Source), verdict.Detail, validUntil);
            }

            if (LifetimeProblem(certificate) is { } tooLong)
            {
                return new ClientCertificateValidation(null, ClientCertificateFailure.LifetimeTooLong, tooLong, validUntil);
            }

            if (verdict.DecideAgainBy < validUntil)
            {
                validUntil = verdict.DecideAgainBy.Value; // the issuer's CRL goes stale then, and stale CRLs fail closed
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

    private string? LifetimeProblem(X509Certificate2 certificate)
    {
        var lifetime = certificate.NotAfter.ToUniversalTime() - certificate.NotBefore.ToUniversalTime();
        return _maxLifetime > TimeSpan.Zero && lifetime > _maxLifetime
            ? string.Create(CultureInfo.InvariantCulture,
                $"the client certificate's lifetime {lifetime:c} (from {certificate.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} to {certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}) is longer than the maximum {_maxLifetime:c}")
            : null;
    }

    private static ClientCertificateFailure Failure(RevocationSource source) => source switch
    {
        RevocationSource.Crl => ClientCertificateFailure.Revoked,
        RevocationSource.Denylist => ClientCertificateFailure.Denylisted,
        RevocationSource.StaleCrl => ClientCertificateFailure.StaleRevocationList,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "not a refusal"),
    };

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
