using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Scenarios;

namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>
/// The sandbox's certificate authorities and the credentials issued from them, created anew on every start.
/// </summary>
/// <remarks>
/// Fresh on every start rather than reused: a sandbox is short-lived, issuing a dozen P-256 certificates takes
/// milliseconds, and it removes a whole class of "stale SAN / expired file / different address block" problems.
/// Paths stay the same, so a shell that exported <c>KUBECONFIG</c> keeps working after a restart.
/// </remarks>
internal sealed class SandboxPki
{
    public const string GatewayApiServerUser = "apiproxygateway";
    public const string GatewayKubeletClientUser = "apiproxygateway-kubelet-client";
    public const string ApiServerKubeletClientUser = "kube-apiserver-kubelet-client";
    public const string ApiServerKubeletClientGroup = "kubeadm:cluster-admins";
    public const string KonnectivityServerName = "konnectivity-server";

    private SandboxPki(CertificateIssuer issuer, SandboxPkiPaths paths)
    {
        Issuer = issuer;
        Paths = paths;
    }

    public CertificateIssuer Issuer { get; }

    public SandboxPkiPaths Paths { get; }

    public required IssuedCredential ClusterCa { get; init; }

    /// <summary>The cluster CA's CRL at start, revoking nothing (the gateway's <c>--client-crl-file</c>).</summary>
    public required string ClientCrlPem { get; init; }

    public required IssuedCredential ApiServer { get; init; }

    public required IssuedCredential Gateway { get; init; }

    public required IssuedCredential GatewayApiServerClient { get; init; }

    public required IReadOnlyDictionary<string, IssuedCredential> Users { get; init; }

    public required IssuedCredential KubeletServingCa { get; init; }

    public required IssuedCredential KubeletClientCa { get; init; }

    public required IssuedCredential GatewayKubeletClient { get; init; }

    public required IssuedCredential ApiServerKubeletClient { get; init; }

    public required IssuedCredential WorkloadCa { get; init; }

    /// <summary>The gateway's client certificate for workloads (pods/services proxy), from the workload CA.</summary>
    public required IssuedCredential GatewayWorkloadClient { get; init; }

    /// <summary>The konnectivity plane's CA: it signs the konnectivity-server's certificate and its clients' (gateway, agents).</summary>
    public required IssuedCredential KonnectivityCa { get; init; }

    /// <summary>konnectivity-server's serving certificate, for its frontend and its agent port (IP 127.B.0.3).</summary>
    public required IssuedCredential KonnectivityServer { get; init; }

    /// <summary>The gateway's client certificate for konnectivity-server's mutual-TLS frontend (CN=apiproxygateway).</summary>
    public required IssuedCredential GatewayKonnectivityClient { get; init; }

    /// <summary>A konnectivity agent's client certificate (CN=system:konnectivity-agent:NODE), kept in memory like a mounted secret.</summary>
    public IssuedCredential IssueKonnectivityAgent(string node) => Issuer.IssueClient(KonnectivityCa, $"system:konnectivity-agent:{node}", []);

    public static SandboxPki Create(SandboxPkiPaths paths, AddressPlan plan, IEnumerable<SandboxUser> users, TimeProvider timeProvider)
    {
        var issuer = new CertificateIssuer(timeProvider);
        var clusterCa = issuer.CreateAuthority("apiproxygateway-sandbox-cluster-ca");
        var kubeletClientCa = issuer.CreateAuthority("apiproxygateway-sandbox-kubelet-client-ca");
        var workloadCa = issuer.CreateAuthority("apiproxygateway-sandbox-workload-ca");
        var konnectivityCa = issuer.CreateAuthority("apiproxygateway-sandbox-konnectivity-ca");
        string[] apiServerNames = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
        return new SandboxPki(issuer, paths)
        {
            ClusterCa = clusterCa,
            ClientCrlPem = issuer.CreateEmptyCrl(clusterCa),
            ApiServer = issuer.IssueServer(clusterCa, "kube-apiserver", [plan.ApiServerAddress, IPAddress.Loopback], apiServerNames),
            Gateway = issuer.IssueServer(clusterCa, "apiproxygateway", [plan.GatewayAddress, .. plan.GatewayReplicaAddresses, IPAddress.Loopback], ["localhost"]),
            GatewayApiServerClient = issuer.IssueClient(clusterCa, GatewayApiServerUser, []),
            Users = users.ToDictionary(u => u.Name, u => issuer.IssueClient(clusterCa, u.Subject ?? SubjectNames.ForUser(u.Name, u.Groups)), StringComparer.Ordinal),
            KubeletServingCa = issuer.CreateAuthority("apiproxygateway-sandbox-kubelet-serving-ca"),
            KubeletClientCa = kubeletClientCa,
            GatewayKubeletClient = issuer.IssueClient(kubeletClientCa, GatewayKubeletClientUser, []),
            ApiServerKubeletClient = issuer.IssueClient(kubeletClientCa, ApiServerKubeletClientUser, [ApiServerKubeletClientGroup]),
            WorkloadCa = workloadCa,
            GatewayWorkloadClient = issuer.IssueClient(workloadCa, GatewayApiServerUser, []),
            KonnectivityCa = konnectivityCa,
            KonnectivityServer = issuer.IssueServer(konnectivityCa, KonnectivityServerName, [plan.KonnectivityServerAddress, IPAddress.Loopback], ["localhost", KonnectivityServerName]),
            GatewayKonnectivityClient = issuer.IssueClient(konnectivityCa, GatewayApiServerUser, []),
        };
    }

    /// <summary>Writes every file of the documented layout, replacing what a previous run left.</summary>
    public void Write()
    {
        if (Directory.Exists(Paths.UsersDirectory))
        {
            Directory.Delete(Paths.UsersDirectory, recursive: true); // users removed from the scenario must not linger
        }

        Directory.CreateDirectory(Paths.UsersDirectory);
        WritePair(ClusterCa, Paths.ClusterCaCertificate, Paths.ClusterCaKey);
        WriteRevocation();
        WritePair(ApiServer, Paths.ApiServerCertificate, Paths.ApiServerKey);
        WritePair(Gateway, Paths.GatewayCertificate, Paths.GatewayKey);
        WritePair(GatewayApiServerClient, Paths.GatewayApiServerClientCertificate, Paths.GatewayApiServerClientKey);
        WritePair(KubeletServingCa, Paths.KubeletServingCaCertificate, Paths.KubeletServingCaKey);
        WritePair(KubeletClientCa, Paths.KubeletClientCaCertificate, Paths.KubeletClientCaKey);
        WritePair(GatewayKubeletClient, Paths.GatewayKubeletClientCertificate, Paths.GatewayKubeletClientKey);
        WritePair(ApiServerKubeletClient, Paths.ApiServerKubeletClientCertificate, Paths.ApiServerKubeletClientKey);
        WritePair(WorkloadCa, Paths.WorkloadCaCertificate, Paths.WorkloadCaKey);
        WritePair(GatewayWorkloadClient, Paths.GatewayWorkloadClientCertificate, Paths.GatewayWorkloadClientKey);
        WritePair(KonnectivityCa, Paths.KonnectivityCaCertificate, Paths.KonnectivityCaKey);
        WritePair(KonnectivityServer, Paths.KonnectivityServerCertificate, Paths.KonnectivityServerKey);
        WritePair(GatewayKonnectivityClient, Paths.GatewayKonnectivityClientCertificate, Paths.GatewayKonnectivityClientKey);
        foreach (var (user, credential) in Users)
        {
            WritePair(credential, Paths.UserCertificate(user), Paths.UserKey(user));
        }
    }

    /// <summary>
    /// The empty CRL, and what <c>openssl ca</c> needs to revoke a user and publish a new one over it: a configuration
    /// naming the cluster CA and an empty index (see the README's sandbox section). Both start anew with the PKI.
    /// </summary>
    private void WriteRevocation()
    {
        File.WriteAllText(Paths.ClientCrl, ClientCrlPem);
        File.WriteAllText(Paths.CrlIndex, "");
        File.WriteAllText(Paths.OpensslCaConfig, $"""
            # openssl ca -config {Paths.OpensslCaConfig} -revoke USER.crt, then -gencrl -out {Paths.ClientCrl}
            [ca]
            default_ca = cluster_ca
            [cluster_ca]
            database = {Paths.CrlIndex}
            certificate = {Paths.ClusterCaCertificate}
            private_key = {Paths.ClusterCaKey}
            default_md = sha256
            default_crl_days = 7

            """);
    }

    public static void WritePair(IssuedCredential credential, string certificatePath, string keyPath)
    {
        File.WriteAllText(certificatePath, credential.CertificatePem);
        if (File.Exists(keyPath))
        {
            File.Delete(keyPath);
        }

        // Create the key file owner-only from the start, so the key is never readable by others even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(keyPath, options);
        using var writer = new StreamWriter(stream);
        writer.Write(credential.KeyPem);
    }
}
