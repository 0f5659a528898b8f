using System.Text;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// Writes kube-apiserver's <c>--egress-selector-config-file</c> for the sandbox's konnectivity-server: one selection,
/// <c>cluster</c> (traffic to nodes and pods), with the protocol and transport kube-apiserver would be given. GRPC
/// over TCP is refused, as kube-apiserver's validation refuses it ("UDS must be set with GRPC").
/// </summary>
internal static class EgressSelectorFile
{
    public const string ApiVersion = "apiserver.k8s.io/v1beta1";
    public const string Kind = "EgressSelectorConfiguration";

    public static string Render(EgressProtocol protocol, EgressTransport transport, string socketPath, Uri frontendUrl, SandboxPkiPaths pki)
    {
        ArgumentNullException.ThrowIfNull(pki);
        if (protocol == EgressProtocol.Grpc && transport == EgressTransport.Tcp)
        {
            throw new ArgumentException("kube-apiserver allows GRPC over a Unix domain socket only (UDS must be set with GRPC); use HTTPConnect for TCP.", nameof(transport));
        }

        var yaml = new StringBuilder();
        yaml.Append($"apiVersion: {ApiVersion}\nkind: {Kind}\negressSelections:\n- name: cluster\n  connection:\n");
        yaml.Append($"    proxyProtocol: {(protocol == EgressProtocol.Grpc ? "GRPC" : "HTTPConnect")}\n    transport:\n");
        if (transport == EgressTransport.Uds)
        {
            yaml.Append($"      uds:\n        udsName: {Quoted(socketPath)}\n");
        }
        else
        {
            yaml.Append($"      tcp:\n        url: {Quoted(frontendUrl.ToString().TrimEnd('/'))}\n        tlsConfig:\n");
            yaml.Append($"          caBundle: {Quoted(pki.KonnectivityCaCertificate)}\n");
            yaml.Append($"          clientCert: {Quoted(pki.GatewayKonnectivityClientCertificate)}\n");
            yaml.Append($"          clientKey: {Quoted(pki.GatewayKonnectivityClientKey)}\n");
        }

        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar (paths may hold anything a directory name may).</summary>
    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
