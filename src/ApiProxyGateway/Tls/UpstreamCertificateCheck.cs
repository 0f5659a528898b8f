using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Validates one upstream handshake and remembers why it failed, so the caller can tell the user precisely.
/// The chain and the dialled name are checked by SslStream against the explicit trust of
/// <see cref="UpstreamTls"/>; <paramref name="identityCheck"/> adds checks such as the kubelet's node identity.
/// </summary>
internal sealed class UpstreamCertificateCheck(Func<X509Certificate2, string?>? identityCheck = null, IReadOnlyList<string>? acceptedNames = null)
{
    public UpstreamTlsFailure Failure { get; private set; }

    public string Detail { get; private set; } = "";

    /// <summary>SHA-256 of the certificate the upstream presented, for logs and audit.</summary>
    public string? PeerCertificateSha256 { get; private set; }

    public bool Validate(object _, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 peer)
        {
            return Fail(UpstreamTlsFailure.NoCertificate, "the server presented no certificate");
        }

        PeerCertificateSha256 = Convert.ToHexStringLower(peer.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return ClassifyChain(peer, chain);
        }

        // A Service may be reached by <svc>.<ns>.svc or with the cluster domain: any accepted name will do.
        var nameMatches = acceptedNames is { Count: > 0 }
            ? acceptedNames.Any(name => peer.MatchesHostname(name, allowWildcards: true, allowCommonName: false))
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        if (!nameMatches)
        {
            return Fail(UpstreamTlsFailure.NameMismatch, acceptedNames is { Count: > 0 }
                ? $"the certificate is not valid for {string.Join(" or ", acceptedNames)} (subject alternative names do not match)"
                : "the certificate is not valid for the dialled address (subject alternative names do not match)");
        }

        if (errors != SslPolicyErrors.None)
        {
            return Fail(UpstreamTlsFailure.Invalid, errors.ToString());
        }

        if (chain is not null && GoCertificateRules.Problem(chain.ChainElements) is { } refused)
        {
            return Fail(UpstreamTlsFailure.InsecureCertificate, refused);
        }

        return identityCheck?.Invoke(peer) is { } identityProblem ? Fail(UpstreamTlsFailure.WrongIdentity, identityProblem) : true;
    }

    private bool ClassifyChain(X509Certificate2 peer, X509Chain? chain)
    {
        var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status) ?? X509ChainStatusFlags.NoError;
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            var now = chain!.ChainPolicy.VerificationTime.ToUniversalTime(); // flags are only set when a chain exists
            return now > peer.NotAfter.ToUniversalTime()
                ? Fail(UpstreamTlsFailure.Expired, $"the certificate expired at {peer.NotAfter.ToUniversalTime():u}")
                : Fail(UpstreamTlsFailure.NotYetValid, $"the certificate is not valid before {peer.NotBefore.ToUniversalTime():u}");
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return Fail(UpstreamTlsFailure.UnknownAuthority, $"certificate signed by unknown authority (issuer '{peer.Issuer}')");
        }

        return (flags & X509ChainStatusFlags.NotValidForUsage) != 0
            ? Fail(UpstreamTlsFailure.WrongUsage, "the certificate does not allow server authentication")
            : Fail(UpstreamTlsFailure.Invalid, string.Join("; ", chain?.ChainStatus.Select(status => status.StatusInformation.Trim()) ?? []));
    }

    private bool Fail(UpstreamTlsFailure failure, string detail)
    {
        Failure = failure;
        Detail = detail;
        return false;
    }
}
