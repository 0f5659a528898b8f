using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// The one decision whether to trust an upstream's certificate (API server, kubelets, workloads), for one handshake
/// at <paramref name="now"/>: the chain to the <see cref="UpstreamTrust"/>'s roots, the name, Go's certificate rules,
/// then the trust's identity check. It remembers why it refused, so the caller can tell the user precisely.
/// </summary>
internal sealed class UpstreamCertificateCheck(UpstreamTrust trust, DateTimeOffset now)
{
    public UpstreamTlsFailure Failure { get; private set; }

    public string Detail { get; private set; } = "";

    /// <summary>The handshake options, whose chain policy is the trust's and whose validation callback is <see cref="Validate"/>.</summary>
    public SslClientAuthenticationOptions ClientOptions(bool offerHttp2 = false) => UpstreamTls.CreateOptions(trust, this, now, offerHttp2);

    /// <summary>SslStream's callback for a chain it built under <see cref="ClientOptions"/>' policy.</summary>
    public bool Validate(object _, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 peer)
        {
            return Fail(UpstreamTlsFailure.NoCertificate, "the server presented no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return ClassifyChain(peer, chain);
        }

        // A Service may be reached by <svc>.<ns>.svc or with the cluster domain: any accepted name will do.
        var acceptedNames = trust.AcceptedNames;
        var nameMatches = acceptedNames.Count > 0
            ? acceptedNames.Any(name => peer.MatchesHostname(name, allowWildcards: true, allowCommonName: false))
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        if (!nameMatches)
        {
            return Fail(UpstreamTlsFailure.NameMismatch, acceptedNames.Count > 0
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

        return trust.IdentityCheck?.Invoke(peer) is { } identityProblem ? Fail(UpstreamTlsFailure.WrongIdentity, identityProblem) : true;
    }

    /// <summary>
    /// For a handler whose TLS options are fixed when it is created (KubernetesClient's), so its chain was built
    /// against the system store: the chain is built again here under the trust's policy, with the intermediates the
    /// server sent, and judged by <see cref="Validate"/>. The handler's own chain verdict is ignored.
    /// </summary>
    public bool ValidateWithOwnChain(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 peer)
        {
            return Validate(this, certificate, presented, errors);
        }

        using var chain = new X509Chain { ChainPolicy = UpstreamTls.CreateChainPolicy(trust.Authorities, now) };
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }

        try
        {
            errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            if (!chain.Build(peer))
            {
                errors |= SslPolicyErrors.RemoteCertificateChainErrors;
            }

            return Validate(this, peer, chain, errors);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private bool ClassifyChain(X509Certificate2 peer, X509Chain? chain)
    {
        var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status) ?? X509ChainStatusFlags.NoError;
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return now.UtcDateTime > peer.NotAfter.ToUniversalTime()
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
