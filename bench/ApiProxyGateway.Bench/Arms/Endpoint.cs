using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Bench.Arms;

/// <summary>
/// One arm on one path: where the client connects, the name it verifies, the certificate it presents, the only root it
/// trusts, and how it spells the path (API paths through the gateway and the API server; the upstream's own paths
/// straight to it and through nginx and HAProxy, which only do the TLS work).
/// </summary>
internal sealed record Endpoint(string Arm, Uri BaseAddress, string TargetHost, X509Certificate2 ClientCertificate, X509Certificate2 TrustedRoot, bool UpstreamPaths)
{
    /// <summary>The address actually dialled: URLs name <see cref="TargetHost"/> (so the certificate is checked for it).</summary>
    public IPEndPoint Dial { get; init; } = new(IPAddress.Parse(BaseAddress.Host), BaseAddress.Port);

    /// <summary>The base URL with the verified name in place of the dialled address.</summary>
    public Uri Named => new UriBuilder(BaseAddress) { Host = TargetHost }.Uri;

    public Uri Resolve(string apiPath, string upstreamPath) => new(Named, UpstreamPaths ? upstreamPath : apiPath);
}
