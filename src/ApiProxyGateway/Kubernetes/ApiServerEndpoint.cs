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
    IReadOnlyList<string> SourceFiles,
    string? TlsServerName = null)
{
    /// <summary>The name the server certificate must carry: the kubeconfig's <c>tls-server-name</c>, else the server's host.</summary>
    public string ServerName => string.IsNullOrEmpty(TlsServerName) ? Server.IdnHost : TlsServerName;
}
