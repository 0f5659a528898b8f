using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>A certificate with its private key and the intermediates that followed it in its PEM file.</summary>
internal sealed record CertificateWithChain(X509Certificate2 Certificate, X509Certificate2Collection Intermediates);
