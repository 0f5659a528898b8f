using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Bench.Hosting;

namespace ApiProxyGateway.Bench.Arms;

/// <summary>Every arm's endpoint for the three kinds of upstream, from the sandbox's addresses and PKI.</summary>
internal sealed class Topology(SandboxInfo info)
{
    public const int WorkloadPort = 9441;
    public const int ApiServerPort = 9442;
    public const int KubeletPort = 9443;

    private readonly X509Certificate2 _clusterCa = X509CertificateLoader.LoadCertificateFromFile(info.Pki("cluster-ca.crt"));
    private readonly X509Certificate2 _workloadCa = X509CertificateLoader.LoadCertificateFromFile(info.Pki("workload-ca.crt"));
    private readonly X509Certificate2 _kubeletCa = X509CertificateLoader.LoadCertificateFromFile(info.Pki("kubelet-serving-ca.crt"));
    private readonly X509Certificate2 _admin = Load(info.Pki("users/admin.crt"), info.Pki("users/admin.key"));
    private readonly X509Certificate2 _workloadClient = Load(info.Pki("gateway-workload-client.crt"), info.Pki("gateway-workload-client.key"));
    private readonly X509Certificate2 _kubeletClient = Load(info.Pki("gateway-kubelet-client.crt"), info.Pki("gateway-kubelet-client.key"));

    public SandboxInfo Info => info;

    public string WebPodIp => info.PodIps["web"];

    /// <summary>pods/proxy: the web pod's HTTPS port.</summary>
    public Endpoint Workload(string arm) => arm switch
    {
        ArmNames.Direct => new(arm, new Uri($"https://{WebPodIp}:8443"), WebPodIp, _workloadClient, _workloadCa, UpstreamPaths: true),
        _ => Front(arm, WorkloadPort),
    };

    /// <summary>Pass-through API calls (<c>get pod</c>, <c>/version</c>).</summary>
    public Endpoint ApiServer(string arm) => arm switch
    {
        ArmNames.Direct => new(arm, new Uri($"https://{info.ApiServerAddress}:6443"), info.ApiServerAddress, _admin, _clusterCa, UpstreamPaths: false),
        _ => Front(arm, ApiServerPort) with { UpstreamPaths = false },
    };

    /// <summary>Pod streams: the kubelet straight, through a proxy, or the simulated API server's own kubelet path.</summary>
    public Endpoint Kubelet(string arm) => arm switch
    {
        ArmNames.Direct => new(arm, new Uri($"https://{info.KubeletAddress}:10250"), info.KubeletAddress, _kubeletClient, _kubeletCa, UpstreamPaths: true),
        ArmNames.ApiServer => new(arm, new Uri($"https://{info.ApiServerAddress}:6443"), info.ApiServerAddress, _admin, _clusterCa, UpstreamPaths: false),
        _ => Front(arm, KubeletPort),
    };

    private Endpoint Front(string arm, int port) => arm switch
    {
        ArmNames.Gateway => new(arm, new Uri($"https://{info.GatewayAddress}:8443"), info.GatewayAddress, _admin, _clusterCa, UpstreamPaths: false),
        // nginx and HAProxy serve the gateway's own certificate (SAN localhost), so the client verifies that name.
        ArmNames.Nginx => new(arm, new Uri($"https://{info.NginxAddress}:{port}"), "localhost", _admin, _clusterCa, UpstreamPaths: true),
        ArmNames.Haproxy => new(arm, new Uri($"https://{info.HaproxyAddress}:{port}"), "localhost", _admin, _clusterCa, UpstreamPaths: true),
        ArmNames.AspNetCore => new(arm, new Uri($"https://{info.BareForwarderAddress}:{port}"), "localhost", _admin, _clusterCa, UpstreamPaths: true),
        _ => throw new ArgumentException($"no arm {arm}", nameof(arm)),
    };

    internal static X509Certificate2 Load(string certificate, string key)
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(certificate, key);
        // A PKCS#12 round trip gives the key a handle SslStream can use for client authentication on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
