namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>A fake API server with TLS, an echo "pod port" and a kubeconfig for it; torn down after the class.</summary>
public sealed class KubectlInteropFixture : IAsyncLifetime
{
    private TestCertificateAuthority? _pki;
    private EchoServer? _echo;
    private string? _directory;

    internal FakeKubeApiServer Server { get; private set; } = null!;

    internal string Kubeconfig { get; private set; } = null!;

    internal TestCertificateAuthority Pki => _pki ?? throw new InvalidOperationException("The fixture is not initialised.");

    internal string CacheDirectory => Path.Combine(_directory!, "cache");

    public async ValueTask InitializeAsync()
    {
        _pki = TestCertificateAuthority.Create();
        _echo = new EchoServer();
        _directory = Directory.CreateTempSubdirectory("protocols-kubectl-").FullName;
        Server = await FakeKubeApiServer.StartAsync(_pki, _echo.Port);
        Kubeconfig = Kubectl.WriteKubeconfig(_directory, Server.BaseAddress, _pki);
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
