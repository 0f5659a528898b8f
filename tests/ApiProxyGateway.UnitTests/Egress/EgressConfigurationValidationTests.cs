using ApiProxyGateway.Egress;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Egress;

/// <summary>kube-apiserver's egress selector rules (and the gateway's stricter TLS ones), one error each, with field and bad value.</summary>
public sealed class EgressConfigurationValidationTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Validate_EveryProtocolAndTransportKubeAllows_Passes()
    {
        var errors = Validate(
            Selection("cluster", "GRPC", new EgressTransport { Uds = new EgressUdsTransport { UdsName = "/run/konnectivity.sock" } }),
            Selection("controlplane", "HTTPConnect", new EgressTransport { Tcp = Tcp("https://127.0.0.1:8131", ValidTls()) }),
            Selection("etcd", "Direct", null));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_NoSelections_PassesAndMeansDirect() => Assert.Empty(Validate());

    [Theory]
    [InlineData("Direct", "uds", "egressSelections[0].connection.transport: Invalid value: \"direct\": config must be absent for direct connect")]
    [InlineData("HTTPConnect", null, "egressSelections[0].connection.transport: Required value: transport must be set for HTTPConnect")]
    [InlineData("HTTPConnect", "both", "egressSelections[0].connection.transport.tcp: Invalid value: \"https://127.0.0.1:8131\": TCP and UDS cannot both be set")]
    [InlineData("HTTPConnect", "neither", "egressSelections[0].connection.transport: Required value: One of TCP or UDS must be set")]
    [InlineData("GRPC", null, "egressSelections[0].connection.transport: Required value: transport must be set for GRPC")]
    [InlineData("GRPC", "tcp", "egressSelections[0].connection.transport.uds: Required value: UDS must be set with GRPC (kube-apiserver supports GRPC to the Konnectivity server over a UDS only)")]
    [InlineData("grpc", "uds", "egressSelections[0].connection.proxyProtocol: Unsupported value: \"grpc\": supported values: \"Direct\", \"GRPC\", \"HTTPConnect\"")]
    [InlineData("", null, "egressSelections[0].connection.proxyProtocol: Unsupported value: \"\": supported values: \"Direct\", \"GRPC\", \"HTTPConnect\"")]
    public void Validate_ProtocolAndTransportThatDoNotGo_AreReported(string protocol, string? transport, string error)
    {
        var tcp = Tcp("https://127.0.0.1:8131", ValidTls());
        var uds = new EgressUdsTransport { UdsName = "/run/konnectivity.sock" };
        var shape = transport switch
        {
            "uds" => new EgressTransport { Uds = uds },
            "tcp" => new EgressTransport { Tcp = tcp },
            "both" => new EgressTransport { Tcp = tcp, Uds = uds },
            "neither" => new EgressTransport(),
            _ => null,
        };

        Assert.Equal([error], Validate(Selection("cluster", protocol, shape)));
    }

    [Fact]
    public void Validate_GrpcWithTcpBesideTheUds_PassesAsKubeApiserverIgnoresTheTcp() =>
        Assert.Empty(Validate(Selection("cluster", "GRPC", new EgressTransport { Uds = new EgressUdsTransport { UdsName = "/run/k.sock" }, Tcp = Tcp("https://127.0.0.1:8131", null) })));

    [Theory]
    [InlineData("", "egressSelections[0].connection.transport.uds.udsName: Required value: must be present for UDS connections")]
    [InlineData("unix:///run/k.sock", "egressSelections[0].connection.transport.uds.udsName: Invalid value: \"unix:///run/k.sock\": the socket's path, without a unix:// prefix")]
    public void Validate_BadUdsName_IsReported(string name, string error) =>
        Assert.Equal([error], Validate(Selection("cluster", "GRPC", new EgressTransport { Uds = new EgressUdsTransport { UdsName = name } })));

    [Theory]
    [InlineData("http://127.0.0.1:8131", "egressSelections[0].connection.transport.tcp.url: Invalid value: \"http://127.0.0.1:8131\": the gateway reaches a Konnectivity server over TCP with TLS only: use https:// and a tlsConfig, or a UDS")]
    [InlineData("tcp://127.0.0.1:8131", "egressSelections[0].connection.transport.tcp.url: Invalid value: \"tcp://127.0.0.1:8131\": supported connection protocols are http:// and https://")]
    [InlineData("", "egressSelections[0].connection.transport.tcp.url: Invalid value: \"\": supported connection protocols are http:// and https://")]
    [InlineData("https://127.0.0.1:8131/proxy", "egressSelections[0].connection.transport.tcp.url: Invalid value: \"https://127.0.0.1:8131/proxy\": expected https://host[:port] and nothing more")]
    [InlineData("https://user@127.0.0.1:8131", "egressSelections[0].connection.transport.tcp.url: Invalid value: \"https://user@127.0.0.1:8131\": expected https://host[:port] and nothing more")]
    public void Validate_BadUrl_IsReported(string url, string error) =>
        Assert.Equal([error], Validate(Selection("cluster", "HTTPConnect", new EgressTransport { Tcp = Tcp(url, ValidTls()) })));

    [Fact]
    public void Validate_HttpsWithoutTlsConfig_IsReported() =>
        Assert.Equal(["egressSelections[0].connection.transport.tcp.tlsConfig: Required value: TLSConfig must be present when using HTTPS"],
            Validate(Selection("cluster", "HTTPConnect", new EgressTransport { Tcp = Tcp("https://127.0.0.1:8131", null) })));

    [Fact]
    public void Validate_EmptyTlsConfig_ReportsEveryMissingFile()
    {
        var errors = Validate(Selection("cluster", "HTTPConnect", new EgressTransport { Tcp = Tcp("https://127.0.0.1:8131", new EgressTlsConfig()) }));

        Assert.Equal(
        [
            "egressSelections[0].connection.transport.tcp.tlsConfig.caBundle: Required value: the CA bundle that signs the Konnectivity server's certificate (the gateway never trusts the system roots)",
            "egressSelections[0].connection.transport.tcp.tlsConfig.clientCert: Required value: Using TLS requires clientCert",
            "egressSelections[0].connection.transport.tcp.tlsConfig.clientKey: Required value: Using TLS requires clientKey",
        ], errors);
    }

    [Fact]
    public void Validate_UnusableTlsFiles_AreEachReportedWithTheFile()
    {
        var missing = Path.Combine(_pki.Directory, "missing.crt");
        var client = _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "gateway"), "client");
        var other = _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "other"), "other");
        var tls = new EgressTlsConfig { CaBundle = missing, ClientCert = client.Certificate, ClientKey = other.Key, TlsServerName = "not a name" };

        var errors = Validate(Selection("cluster", "HTTPConnect", new EgressTransport { Tcp = Tcp("https://127.0.0.1:8131", tls) }));

        Assert.Equal(
        [
            $"egressSelections[0].connection.transport.tcp.tlsConfig.caBundle: Invalid value: \"{missing}\": file '{missing}' does not exist",
            $"egressSelections[0].connection.transport.tcp.tlsConfig.clientKey: Invalid value: \"{other.Key}\": the key in '{other.Key}' does not match the certificate in '{client.Certificate}'",
            "egressSelections[0].connection.transport.tcp.tlsConfig.tlsServerName: Invalid value: \"not a name\": not a host name",
        ], errors);
    }

    [Fact]
    public void Validate_ExpiredClientCertificate_IsReported()
    {
        var client = _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "gateway", notAfter: DateTimeOffset.UtcNow.AddDays(1)), "client");
        _time.Advance(TimeSpan.FromDays(2));
        var tls = ValidTls() with { ClientCert = client.Certificate, ClientKey = client.Key };

        var error = Assert.Single(Validate(Selection("cluster", "HTTPConnect", new EgressTransport { Tcp = Tcp("https://127.0.0.1:8131", tls) })));

        Assert.StartsWith($"egressSelections[0].connection.transport.tcp.tlsConfig.clientCert: Invalid value: \"{client.Certificate}\": the client certificate 'CN=gateway' expired at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Names_AreComparedLowerCasedAndMustBeKnownAndUnique()
    {
        var errors = Validate(
            Selection("Cluster", "Direct", null),
            Selection("cluster", "Direct", null),
            Selection("controlplane", "Direct", null),
            Selection("controlplane", "Direct", null), // "master" in the file: converted on reading
            Selection("MASTER", "Direct", null),
            Selection("workloads", "Direct", null));

        Assert.Equal(
        [
            "egressSelections[1].name: Duplicate value: \"cluster\"",
            "egressSelections[3].name: Duplicate value: \"controlplane\"",
            "egressSelections[4].name: Unsupported value: \"master\": supported values: \"cluster\", \"controlplane\", \"etcd\"",
            "egressSelections[5].name: Unsupported value: \"workloads\": supported values: \"cluster\", \"controlplane\", \"etcd\"",
        ], errors);
    }

    private IReadOnlyList<string> Validate(params EgressSelection[] selections) =>
        EgressConfigurationValidation.Validate(new EgressSelectorConfiguration { ApiVersion = "apiserver.k8s.io/v1beta1", EgressSelections = selections }, _time.GetUtcNow());

    private static EgressSelection Selection(string name, string protocol, EgressTransport? transport) =>
        new() { Name = name, Connection = new EgressConnection { ProxyProtocol = protocol, Transport = transport } };

    private static EgressTcpTransport Tcp(string url, EgressTlsConfig? tls) => new() { Url = url, TlsConfig = tls };

    private EgressTlsConfig ValidTls()
    {
        var client = _pki.Write(TestPki.IssueClient(_pki.ClusterCa, "gateway"), "valid-client");
        return new EgressTlsConfig { CaBundle = _pki.Write(_pki.ClusterCa, "ca").Certificate, ClientCert = client.Certificate, ClientKey = client.Key };
    }
}
