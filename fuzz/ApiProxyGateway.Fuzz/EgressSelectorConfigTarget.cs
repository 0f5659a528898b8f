using System.Text;
using ApiProxyGateway.Egress;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>egress-selector-config</c>: <see cref="EgressConfigurationReader.Parse"/> (YamlDotNet's parser and the strict
/// field reader) over arbitrary text, which must read a configuration or report errors, never throw, within an
/// allocation budget; and a configuration it reads has no selection without a name or a connection.
/// </summary>
internal static class EgressSelectorConfigTarget
{
    public static FuzzTarget Target { get; } = new(
        "egress-selector-config",
        "EgressConfigurationReader.Parse (kube-apiserver's --egress-selector-config-file, strictly) over arbitrary YAML",
        ["ApiProxyGateway.dll", "YamlDotNet.dll"],
        Run,
        Seeds);

    private static void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var budget = AllocationBudget.Start(input.Length, baseline: 1024 * 1024, perInputByte: 4096);
        var (configuration, errors) = EgressConfigurationReader.Parse(text);
        budget.Check("Reading an EgressSelectorConfiguration");
        if ((configuration is null) == (errors.Count == 0))
        {
            throw new FuzzFinding($"The reader returned {(configuration is null ? "neither a configuration nor" : "both a configuration and")} errors.");
        }

        if (configuration is not null && configuration.EgressSelections.Any(s => s.Name is null || s.Connection is null))
        {
            throw new FuzzFinding("A selection was read without a name or a connection.");
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        (string Name, string Text)[] seeds =
        [
            ("grpc-uds", """
                apiVersion: apiserver.k8s.io/v1beta1
                kind: EgressSelectorConfiguration
                egressSelections:
                - name: cluster
                  connection:
                    proxyProtocol: GRPC
                    transport:
                      uds:
                        udsName: /etc/kubernetes/konnectivity-server/konnectivity-server.socket
                - name: controlplane
                  connection:
                    proxyProtocol: Direct
                """),
            ("httpconnect-tcp", """
                apiVersion: apiserver.k8s.io/v1alpha1
                kind: EgressSelectorConfiguration
                egressSelections:
                - name: master
                  connection:
                    proxyProtocol: HTTPConnect
                    transport:
                      tcp:
                        url: "https://konnectivity.example:8131"
                        tlsConfig:
                          caBundle: /etc/ca.crt
                          clientCert: /etc/client.crt
                          clientKey: /etc/client.key
                          tlsServerName: konnectivity
                """),
            ("flow", """{"apiVersion": "apiserver.k8s.io/v1beta1", "kind": "EgressSelectorConfiguration", "egressSelections": [{"name": "etcd", "connection": {"proxyProtocol": "Direct"}}]}"""),
            ("anchors", "apiVersion: &v apiserver.k8s.io/v1beta1\nkind: EgressSelectorConfiguration\negressSelections: &s\n- &c {name: cluster, connection: {proxyProtocol: Direct}}\n- *c\n"),
            ("duplicate", "kind: EgressSelectorConfiguration\nkind: EgressSelectorConfiguration\n"),
            ("documents", "---\nkind: a\n---\nkind: b\n"),
        ];
        return seeds.Select(s => (s.Name, Encoding.UTF8.GetBytes(s.Text)));
    }
}
