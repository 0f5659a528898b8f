using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>A certificate with its private key, plus the PEM text written to disk and embedded in kubeconfigs.</summary>
internal sealed record IssuedCredential(X509Certificate2 Certificate, string CertificatePem, string KeyPem);
