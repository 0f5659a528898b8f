namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>
/// Where the sandbox writes its PKI. The layout is stable: tests, the gateway command line and the README rely on it.
/// </summary>
/// <remarks>
/// <code>
/// DIR/pki/
///   cluster-ca.crt, .key                    cluster CA: signs everything the API server and the gateway serve or accept
///   client-crl.pem                          the cluster CA's CRL, the gateway's --client-crl-file (empty at start)
///   openssl-ca.cnf, crl-index.txt           openssl ca's configuration and database for revoking users into that CRL
///   apiserver.crt, .key                     simulated API server serving cert (IP 127.B.0.1, localhost, kubernetes…)
///   gateway.crt, .key                       gateway serving cert (IP 127.B.0.2, localhost)
///   gateway-apiserver-client.crt, .key      gateway's API-server client cert, CN=apiproxygateway
///   users/USER.crt, .key                    one client cert per scenario user, CN=USER, O=each group
///   kubelet-serving-ca.crt, .key            signs the simulated kubelets' serving certs
///   kubelet-client-ca.crt, .key             signs clients of the kubelets
///   gateway-kubelet-client.crt, .key        CN=apiproxygateway-kubelet-client (kubelet-client CA)
///   apiserver-kubelet-client.crt, .key      CN=kube-apiserver-kubelet-client, O=kubeadm:cluster-admins (kubelet-client CA)
///   workload-ca.crt, .key                   signs the workloads' serving certs
///   gateway-workload-client.crt, .key       the gateway's client cert for workloads (CN=apiproxygateway, workload CA)
///   konnectivity-ca.crt, .key               signs konnectivity-server's cert and its clients' (gateway, agents)
///   konnectivity-server.crt, .key           konnectivity-server serving cert (IP 127.B.0.3, localhost)
///   gateway-konnectivity-client.crt, .key   the gateway's client cert for konnectivity-server (CN=apiproxygateway)
///   nodes/NODE.crt, .key                    each simulated kubelet's serving cert (CN=system:node:NODE, O=system:nodes)
/// </code>
/// All certificates are PEM, keys are unencrypted PKCS#8 PEM with mode 0600. The PKI is created anew on every start.
/// </remarks>
public sealed record SandboxPkiPaths
{
    public SandboxPkiPaths(string stateDirectory)
    {
        Directory = Path.Combine(stateDirectory, "pki");
        UsersDirectory = Path.Combine(Directory, "users");
        NodesDirectory = Path.Combine(Directory, "nodes");
    }

    public string NodesDirectory { get; }

    public string Directory { get; }

    public string UsersDirectory { get; }

    public string ClusterCaCertificate => Crt("cluster-ca");

    public string ClusterCaKey => Key("cluster-ca");

    public string ClientCrl => Path.Combine(Directory, "client-crl.pem");

    public string OpensslCaConfig => Path.Combine(Directory, "openssl-ca.cnf");

    public string CrlIndex => Path.Combine(Directory, "crl-index.txt");

    public string ApiServerCertificate => Crt("apiserver");

    public string ApiServerKey => Key("apiserver");

    public string GatewayCertificate => Crt("gateway");

    public string GatewayKey => Key("gateway");

    public string GatewayApiServerClientCertificate => Crt("gateway-apiserver-client");

    public string GatewayApiServerClientKey => Key("gateway-apiserver-client");

    public string KubeletServingCaCertificate => Crt("kubelet-serving-ca");

    public string KubeletServingCaKey => Key("kubelet-serving-ca");

    public string KubeletClientCaCertificate => Crt("kubelet-client-ca");

    public string KubeletClientCaKey => Key("kubelet-client-ca");

    public string GatewayKubeletClientCertificate => Crt("gateway-kubelet-client");

    public string GatewayKubeletClientKey => Key("gateway-kubelet-client");

    public string ApiServerKubeletClientCertificate => Crt("apiserver-kubelet-client");

    public string ApiServerKubeletClientKey => Key("apiserver-kubelet-client");

    public string WorkloadCaCertificate => Crt("workload-ca");

    public string WorkloadCaKey => Key("workload-ca");

    public string GatewayWorkloadClientCertificate => Crt("gateway-workload-client");

    public string GatewayWorkloadClientKey => Key("gateway-workload-client");

    public string KonnectivityCaCertificate => Crt("konnectivity-ca");

    public string KonnectivityCaKey => Key("konnectivity-ca");

    public string KonnectivityServerCertificate => Crt("konnectivity-server");

    public string KonnectivityServerKey => Key("konnectivity-server");

    public string GatewayKonnectivityClientCertificate => Crt("gateway-konnectivity-client");

    public string GatewayKonnectivityClientKey => Key("gateway-konnectivity-client");

    public string NodeCertificate(string node) => Path.Combine(NodesDirectory, node + ".crt");

    public string NodeKey(string node) => Path.Combine(NodesDirectory, node + ".key");

    public string UserCertificate(string user) => Path.Combine(UsersDirectory, user + ".crt");

    public string UserKey(string user) => Path.Combine(UsersDirectory, user + ".key");

    private string Crt(string name) => Path.Combine(Directory, name + ".crt");

    private string Key(string name) => Path.Combine(Directory, name + ".key");
}
