using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class NodeSettingsTests
{
    private const string Nodes = """
        ---
        apiVersion: v1
        kind: Node
        metadata:
          name: node-a
        ---
        apiVersion: v1
        kind: Node
        metadata:
          name: node-b
        """;

    [Fact]
    public void Load_EveryFault_IsParsed()
    {
        var scenario = Load("""
            - name: node-a
              servingCertificate: wrong-san
              listening: false
              responseDelay: 1.5s
              handshakeDelay: 250ms
              addressTypes: [Hostname, InternalIP]
              konnectivityAgent: false
              agentDialDelay: 2s
            - name: node-b
            """);

        var faulty = scenario.Config.Nodes[0];
        Assert.Equal(KubeletCertificateFault.WrongSubjectAlternativeName, faulty.ServingCertificate);
        Assert.False(faulty.Listening);
        Assert.Equal(TimeSpan.FromSeconds(1.5), faulty.ResponseDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), faulty.HandshakeDelay);
        Assert.Equal(["Hostname", "InternalIP"], faulty.AddressTypes);
        Assert.False(faulty.KonnectivityAgent);
        Assert.Equal(TimeSpan.FromSeconds(2), faulty.AgentDialDelay);
        Assert.True(scenario.Config.Nodes[1].KonnectivityAgent);
        Assert.Equal(new SandboxNodeSettings("node-b"), scenario.Config.Nodes[1]);
    }

    [Theory]
    [InlineData("self-signed", KubeletCertificateFault.SelfSigned)]
    [InlineData("expired", KubeletCertificateFault.Expired)]
    [InlineData("unknown-ca", KubeletCertificateFault.UnknownAuthority)]
    [InlineData("wrong-cn", KubeletCertificateFault.WrongCommonName)]
    [InlineData("valid", KubeletCertificateFault.None)]
    public void Load_CertificateFault_MapsTheScenarioValue(string value, KubeletCertificateFault fault) =>
        Assert.Equal(fault, Load($"- name: node-a\n  servingCertificate: {value}").Config.Nodes[0].ServingCertificate);

    [Theory]
    [InlineData("- name: node-a\n  servingCertificate: broken", "field nodes[0].servingCertificate: unsupported value \"broken\": supported values: \"valid\", \"self-signed\"")]
    [InlineData("- name: node-a\n  listening: maybe", "field nodes[0].listening: must be true or false")]
    [InlineData("- name: node-a\n  responseDelay: soon", "field nodes[0].responseDelay: invalid duration \"soon\"")]
    [InlineData("- name: node-a\n  responseDelay: 11m", "field nodes[0].responseDelay: invalid duration \"11m\"")]
    [InlineData("- name: node-a\n  addressTypes: [ExternalDNS]", "field nodes[0].addressTypes[0]: unsupported address type \"ExternalDNS\"")]
    [InlineData("- name: node-a\n  addressTypes: [Hostname, Hostname]", "field nodes[0].addressTypes[1]: duplicate address type \"Hostname\"")]
    [InlineData("- name: node-a\n  addressTypes: []", "field nodes[0].addressTypes: must name at least one address type")]
    [InlineData("- name: node-a\n  konnectivityAgent: maybe", "field nodes[0].konnectivityAgent: must be true or false")]
    [InlineData("- name: node-a\n  agentDialDelay: later", "field nodes[0].agentDialDelay: invalid duration \"later\"")]
    [InlineData("- name: node-a\n  colour: red", "field nodes[0].colour: unknown field \"nodes[0].colour\"")]
    [InlineData("- name: node-a\n- name: node-a", "field nodes[1].name: duplicate node \"node-a\"")]
    public void Load_BadNodeSettings_NamesTheField(string nodes, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Load(nodes));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Materialize_AddressTypes_OrderTheNodeAddresses()
    {
        var scenario = Load("- name: node-a\n  addressTypes: [Hostname, InternalIP]");
        var store = new ResourceStore(TimeProvider.System);

        new ScenarioMaterializer(new AddressPlan(42), store, TimeProvider.System).Apply(scenario);

        var a = store.Typed.Get<V1Node>(null, "node-a")!.Status.Addresses;
        var b = store.Typed.Get<V1Node>(null, "node-b")!.Status.Addresses;
        Assert.Equal([("Hostname", "node-a"), ("InternalIP", "127.42.1.1")], a.Select(x => (x.Type, x.Address)));
        Assert.Equal([("InternalIP", "127.42.1.2"), ("Hostname", "node-b")], b.Select(x => (x.Type, x.Address)));
    }

    private static Scenario Load(string nodes) => ScenarioLoader.Load(
        $"""
        apiVersion: sandbox.apiproxygateway.io/v1alpha1
        kind: SandboxConfig
        users:
        - name: admin
          groups: [system:masters]
        nodes:
        {nodes}
        {Nodes}
        """,
        "test.yaml");
}
