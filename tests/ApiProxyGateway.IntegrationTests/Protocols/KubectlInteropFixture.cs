using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>A fake API server with TLS from the test CA, an echo "pod port" and a kubeconfig for it; torn down after the class.</summary>
public sealed class KubectlInteropFixture : IAsyncLifetime
{
    private const string User = "protocols-test-user";

    private TestPki? _pki;
    private X509Certificate2? _serving;
    private X509Certificate2? _client;
    private EchoServer? _echo;
    private string? _directory;

    internal FakeKubeApiServer Server { get; private set; } = null!;

    /// <summary>The CA the server's certificate chains to.</summary>
    internal X509Certificate2 Authority => _pki?.ClusterCa ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The one client certificate the server accepts (CN=protocols-test-user, O=system:masters).</summary>
    internal X509Certificate2 Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>
    /// What every kubectl run here gets: the kubeconfig, a discovery cache of its own, the streaming switches unset
    /// whatever the test run inherited (a test sets the one it is about), and DEBUG=1, with which moby/spdystream logs
    /// frame-level errors (e.g. a header block it cannot inflate) to kubectl's stderr, which every failure message includes.
    /// </summary>
    internal KubectlEnvironment Environment { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _pki = new TestPki();
        _echo = new EchoServer();
        _directory = Directory.CreateTempSubdirectory("protocols-kubectl-").FullName;
        _serving = TestPki.IssueServer(_pki.ClusterCa, "127.0.0.1", [IPAddress.Loopback]);
        _client = TestPki.IssueClient(_pki.ClusterCa, User, ["system:masters"]);
        Server = await FakeKubeApiServer.StartAsync(_serving, _client, _echo.Port);
        var kubeconfig = new KubeconfigBuilder()
            .Cluster("test", Server.BaseAddress, _pki.ClusterCa)
            .User("test", _client)
            .Context("test", "test", "test", FakeKubeApiServer.Namespace)
            .WriteTo(Path.Combine(_directory, "kubeconfig"));
        Environment = new KubectlEnvironment(kubeconfig, Path.Combine(_directory, "cache"))
            .With("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "")
            .With("KUBECTL_PORT_FORWARD_WEBSOCKETS", "")
            .With("DEBUG", "1");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }

            if (_echo is not null)
            {
                await _echo.DisposeAsync();
            }
        }
        finally
        {
            _serving?.Dispose();
            _client?.Dispose();
            _pki?.Dispose();
            if (_directory is not null)
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    /// <summary>The streaming requests the server saw after <paramref name="before"/> entries.</summary>
    internal string[] RequestsSince(int before) => [.. Server.StreamingRequests.Skip(before)];
}
