using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// The API server and the gateway's credentials for it, resolved from a kubeconfig or the in-cluster service
/// account. The server is always verified against <see cref="Authorities"/>, never the system store.
/// </summary>
internal sealed record ApiServerEndpoint(
    Uri Server,
    X509Certificate2Collection Authorities,
    CertificateWithChain? ClientCertificate,
    string? Token,
    string? TokenFile,
    IReadOnlyList<string> SourceFiles)
{
    /// <summary>The host name or IP the server certificate must carry.</summary>
    public string ServerName => Server.IdnHost;
}
