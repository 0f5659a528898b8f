using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Pki;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// The simulated API server's connection to kubelets, as kube-apiserver's with <c>--kubelet-certificate-authority</c>,
/// <c>--kubelet-client-certificate</c> and <c>--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname</c>:
/// the chain must reach the kubelet-serving CA and the dialled address must be in the certificate's SANs. There is no
/// way to skip that. (The node-name CN check of KEP-4872 is alpha and off in 1.35, so it is not made here.) With an
/// egress dialer (<c>--egress</c>) connections go through it, as kube-apiserver's go through its egress selector.
/// </summary>
internal sealed class KubeletClient : IDisposable
{
    private static readonly string[] PreferredAddressTypes = ["InternalIP", "ExternalIP", "Hostname"];

    private readonly SocketsHttpHandler _handler;

    public KubeletClient(SandboxPki pki, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? egress = null)
    {
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = egress,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = [pki.ApiServerKubeletClient.Certificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { pki.KubeletServingCa.Certificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                },
            },
        };
        Invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    public HttpMessageInvoker Invoker { get; }

    /// <summary><c>https://ADDRESS:PORT</c> of the node's kubelet: the first address of the first preferred type, the published port or 10250.</summary>
    public static Uri? Location(V1Node node)
    {
        var addresses = node.Status?.Addresses ?? [];
        var address = PreferredAddressTypes.Select(type => addresses.FirstOrDefault(a => a.Type == type)).FirstOrDefault(a => a is not null);
        if (address is null)
        {
            return null;
        }

        var port = node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port is > 0 and var published ? published : 10250;
        var host = IPAddress.TryParse(address.Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : address.Address;
        return new Uri($"https://{host}:{port}");
    }

    public void Dispose()
    {
        Invoker.Dispose();
        _handler.Dispose();
    }
}
