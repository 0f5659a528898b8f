using ApiProxyGateway.Egress;

namespace ApiProxyGateway.UnitTests.Egress;

public sealed class EgressConfigurationReaderTests
{
    [Theory]
    [InlineData("apiserver.k8s.io/v1beta1")]
    [InlineData("apiserver.k8s.io/v1alpha1")]
    public void Parse_BothVersions_ReadEverySelection(string apiVersion)
    {
        var (configuration, errors) = EgressConfigurationReader.Parse($"""
            apiVersion: {apiVersion}
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
                proxyProtocol: HTTPConnect
                transport:
                  tcp:
                    url: https://127.0.0.1:8131
                    tlsConfig:
                      caBundle: /etc/srv/ca.crt
                      clientCert: /etc/srv/client.crt
                      clientKey: /etc/srv/client.key
                      tlsServerName: konnectivity.example
            - name: etcd
              connection:
                proxyProtocol: Direct
            """);

        Assert.Empty(errors);
        Assert.NotNull(configuration);
        Assert.Equal(apiVersion, configuration.ApiVersion);
        Assert.Equal(["cluster", "controlplane", "etcd"], configuration.EgressSelections.Select(s => s.Name));
        Assert.Equal("/etc/kubernetes/konnectivity-server/konnectivity-server.socket", configuration.EgressSelections[0].Connection.Transport!.Uds!.UdsName);
        Assert.Equal(new EgressTlsConfig { CaBundle = "/etc/srv/ca.crt", ClientCert = "/etc/srv/client.crt", ClientKey = "/etc/srv/client.key", TlsServerName = "konnectivity.example" },
            configuration.EgressSelections[1].Connection.Transport!.Tcp!.TlsConfig);
        Assert.Null(configuration.EgressSelections[2].Connection.Transport);
    }

    [Fact]
    public void Parse_Master_IsConvertedToControlPlaneAsKubeApiserverConvertsIt()
    {
        var (configuration, _) = EgressConfigurationReader.Parse(Document("- name: master\n  connection:\n    proxyProtocol: Direct"));

        Assert.Equal(EgressSelection.ControlPlane, Assert.Single(configuration!.EgressSelections).Name);
    }

    [Fact]
    public void Parse_UnknownFieldsAnywhere_AreEachReportedWithPathAndLine()
    {
        var (configuration, errors) = EgressConfigurationReader.Parse("""
            apiVersion: apiserver.k8s.io/v1beta1
            kind: EgressSelectorConfiguration
            metadata: {}
            egressSelections:
            - name: cluster
              connection:
                proxyProtocol: HTTPConnect
                type: http-connect
                transport:
                  TCP:
                    url: https://127.0.0.1:8131
            """);

        Assert.Null(configuration);
        Assert.Equal(
        [
            "egressSelections[0].connection.transport.TCP (line 10): unknown field",
            "egressSelections[0].connection.type (line 8): unknown field",
            "metadata (line 3): unknown field",
        ], errors);
    }

    [Fact]
    public void Parse_DuplicateField_IsRefused()
    {
        var (configuration, errors) = EgressConfigurationReader.Parse(Document("- name: cluster\n  name: etcd\n  connection:\n    proxyProtocol: Direct"));

        Assert.Null(configuration);
        Assert.Equal("line 5: not valid YAML: Duplicate key name", Assert.Single(errors));
    }

    [Theory]
    [InlineData("apiVersion: apiserver.k8s.io/v1\nkind: EgressSelectorConfiguration", "apiVersion: \"apiserver.k8s.io/v1\" is not supported, expected apiserver.k8s.io/v1beta1 or apiserver.k8s.io/v1alpha1")]
    [InlineData("kind: EgressSelectorConfiguration", "apiVersion: required, expected apiserver.k8s.io/v1beta1 or apiserver.k8s.io/v1alpha1")]
    [InlineData("apiVersion: apiserver.k8s.io/v1beta1\nkind: DaemonSet", "kind: \"DaemonSet\" is not supported, expected EgressSelectorConfiguration")]
    [InlineData("apiVersion: apiserver.k8s.io/v1beta1", "kind: required, expected EgressSelectorConfiguration")]
    [InlineData("", "the file is empty; expected kind: EgressSelectorConfiguration")]
    [InlineData("kind: a\n---\nkind: b", "the file holds 2 YAML documents; expected one EgressSelectorConfiguration")]
    [InlineData("- a\n- b", " (line 1): expected an object, found a list")]
    [InlineData("apiVersion: 'x", "line 1: not valid YAML: While scanning a quoted scalar, found unexpected end of stream.")]
    public void Parse_NotAnEgressSelectorConfiguration_SaysWhy(string text, string error)
    {
        var (configuration, errors) = EgressConfigurationReader.Parse(text);

        Assert.Null(configuration);
        Assert.Equal(error, errors[0]);
    }

    [Theory]
    [InlineData("- name: true\n  connection: {}", "egressSelections[0].name (line 4): expected a string, found true; quote it")]
    [InlineData("- name: 8131\n  connection: {}", "egressSelections[0].name (line 4): expected a string, found 8131; quote it")]
    [InlineData("- name: [cluster]\n  connection: {}", "egressSelections[0].name (line 4): expected a string, found a list")]
    [InlineData("- name: cluster\n  connection: Direct", "egressSelections[0].connection (line 5): expected an object, found a value")]
    [InlineData("- cluster", "egressSelections[0] (line 4): expected an object, found a value")]
    public void Parse_FieldOfTheWrongShape_IsReportedWithPathAndLine(string selections, string error)
    {
        var (configuration, errors) = EgressConfigurationReader.Parse(Document(selections));

        Assert.Null(configuration);
        Assert.Equal(error, Assert.Single(errors));
    }

    [Fact]
    public void Parse_QuotedValuesAndNulls_AreStringsAndAbsentFields()
    {
        var (configuration, errors) = EgressConfigurationReader.Parse(Document("- name: \"cluster\"\n  connection:\n    proxyProtocol: Direct\n    transport: ~"));

        Assert.Empty(errors);
        Assert.Null(Assert.Single(configuration!.EgressSelections).Connection.Transport);
    }

    [Theory]
    [InlineData("!!str kind: EgressSelectorConfiguration\n{kind: EgressSelectorConfiguration\n*a        udsName: /run/k.sock\n- name: cluster\n---\n      uds:\n\"\n---\n")] // InvalidOperationException
    [InlineData("!![")] // ArgumentException: global tags must be valid URIs
    [InlineData("-\0:")] // ArgumentException: the current event is of an unsupported type
    public void Parse_TextThatBreaksYamlDotNet_IsReportedAsInvalidYaml(string text)
    {
        // Found by EgressInputPropertyTests and the egress-selector-config fuzz target: YamlDotNet throws other
        // exceptions than YamlException on these.
        var (configuration, errors) = EgressConfigurationReader.Parse(text);

        Assert.Null(configuration);
        Assert.StartsWith("not valid YAML: ", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_SaysSo()
    {
        var (configuration, errors) = EgressConfigurationReader.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "egress.yaml"));

        Assert.Null(configuration);
        Assert.Equal(["the file does not exist"], errors);
    }

    [Fact]
    public void Read_FileOverTheLimit_IsRefusedWithoutParsingIt()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Document("- name: cluster\n  connection:\n    proxyProtocol: Direct") + "#" + new string('x', EgressConfigurationReader.MaxFileBytes));

            var (configuration, errors) = EgressConfigurationReader.Read(path);

            Assert.Null(configuration);
            Assert.Equal([$"the file is larger than {EgressConfigurationReader.MaxFileBytes} bytes; an EgressSelectorConfiguration is a few hundred"], errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_FileThatIsNotUtf8_IsRefused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. "kind: "u8, 0xC3, 0x28, .. "\n"u8]);

            var (configuration, errors) = EgressConfigurationReader.Read(path);

            Assert.Null(configuration);
            Assert.Equal(["the file is not UTF-8 text"], errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_ValidFileWithAByteOrderMark_IsRead()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Document("- name: cluster\n  connection:\n    proxyProtocol: Direct"), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var (configuration, errors) = EgressConfigurationReader.Read(path);

            Assert.Empty(errors);
            Assert.Equal(EgressSelection.Cluster, Assert.Single(configuration!.EgressSelections).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Document(string selections) =>
        "apiVersion: apiserver.k8s.io/v1beta1\nkind: EgressSelectorConfiguration\negressSelections:\n" + selections + "\n";
}
