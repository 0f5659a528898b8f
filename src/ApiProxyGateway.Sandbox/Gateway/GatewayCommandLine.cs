using System.Globalization;
using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>The gateway's flags, named like kube-apiserver's so operators recognise them.</summary>
internal static class GatewayCommandLine
{
    /// <summary>
    /// The flags of a gateway listening on <paramref name="bindAddress"/> (the plan's gateway address, or a replica's
    /// slot behind the load balancer), writing its audit events to <paramref name="auditLogPath"/>.
    /// </summary>
    public static IReadOnlyList<string> Arguments(IPAddress bindAddress, AddressPlan plan, SandboxPkiPaths pki, string gatewayKubeconfig, string auditLogPath) =>
    [
        "--environment", "Sandbox",
        "--bind-address", bindAddress.ToString(),
        "--secure-port", AddressPlan.GatewayPort.ToString(CultureInfo.InvariantCulture),
        "--tls-cert-file", pki.GatewayCertificate,
        "--tls-private-key-file", pki.GatewayKey,
        "--client-ca-file", pki.ClusterCaCertificate,
        "--client-crl-file", pki.ClientCrl,
        "--kubeconfig", gatewayKubeconfig,
        "--kubelet-certificate-authority", pki.KubeletServingCaCertificate,
        "--kubelet-client-certificate", pki.GatewayKubeletClientCertificate,
        "--kubelet-client-key", pki.GatewayKubeletClientKey,
        "--proxy-client-cert-file", pki.GatewayWorkloadClientCertificate,
        "--proxy-client-key-file", pki.GatewayWorkloadClientKey,
        "--workload-certificate-authority", pki.WorkloadCaCertificate,

        // Pods and kubelets live on loopback here; the gateway's egress policy refuses loopback unless told otherwise,
        // so the sandbox allows exactly its own block — and nothing else on loopback.
        $"--Proxy:AllowedNetworks:0={plan.Network}",
        "--operations-bind-address", bindAddress.ToString(),
        "--operations-port", AddressPlan.GatewayOperationsPort.ToString(CultureInfo.InvariantCulture),
        "--audit-log-path", auditLogPath,

        // Open streams are authorized again every 10 s (1 min by default), so deleting a RoleBinding ends a session
        // while one watches.
        "--stream-reauthorization-interval", "00:00:10",

        // Every exec and attach is recorded (terminal sessions as asciicast, the others as JSON lines), input included:
        // the sandbox shows what a security team would get (the default records terminal sessions, without input).
        "--recording-dir", Path.Combine(Path.GetDirectoryName(gatewayKubeconfig)!, "recordings"),
        "--record-sessions", "all",
        "--record-input",
    ];

    /// <summary>With <c>--egress</c>: kube-apiserver's flag, so kubelets and pods are dialled through konnectivity-server.</summary>
    public static IReadOnlyList<string> EgressArguments(string egressSelectorConfigFile) => ["--egress-selector-config-file", egressSelectorConfigFile];
}
