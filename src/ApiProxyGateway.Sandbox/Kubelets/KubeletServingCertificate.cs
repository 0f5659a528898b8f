using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Scenarios;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// A kubelet's serving certificate as a CSR-issued one (signer kubernetes.io/kubelet-serving) looks: <c>O=system:nodes</c>,
/// <c>CN=system:node:NODE</c>, an IP SAN for its address and a DNS SAN for its name; or one of the scenario's faults.
/// </summary>
internal static class KubeletServingCertificate
{
    public static IssuedCredential Issue(SandboxPki pki, string node, IPAddress address, KubeletCertificateFault fault, TimeProvider timeProvider)
    {
        var issuer = pki.Issuer;
        var now = timeProvider.GetUtcNow();
        var subject = Subject(fault == KubeletCertificateFault.WrongCommonName ? node + "-impostor" : node);
        IPAddress[] ips = [address];
        string[] names = [node];
        return fault switch
        {
            KubeletCertificateFault.SelfSigned => issuer.IssueServing(null, subject, ips, names),
            KubeletCertificateFault.Expired => issuer.IssueServing(pki.KubeletServingCa, subject, ips, names, now.AddMinutes(-50), now.AddMinutes(-10)),
            KubeletCertificateFault.UnknownAuthority => issuer.IssueServing(issuer.CreateAuthority("apiproxygateway-sandbox-unknown-kubelet-ca"), subject, ips, names),
            KubeletCertificateFault.WrongSubjectAlternativeName => issuer.IssueServing(pki.KubeletServingCa, subject, [IPAddress.Parse("192.0.2.10")], ["not-" + node]),
            _ => issuer.IssueServing(pki.KubeletServingCa, subject, ips, names),
        };
    }

    private static X500DistinguishedName Subject(string node)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("system:nodes");
        builder.AddCommonName("system:node:" + node);
        return builder.Build();
    }
}
