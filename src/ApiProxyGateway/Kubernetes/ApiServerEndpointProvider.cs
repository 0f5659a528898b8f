using System.Net.Security;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// Owns the API server endpoint and the gateway's credentials for it: the CA and client certificate, reloaded
/// when the kubeconfig or a file it names changes, and a service-account token re-read from its file as the
/// kubelet rotates it.
/// </summary>
internal sealed class ApiServerEndpointProvider
{
    private static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly ReloadableMaterial<ApiServerCredentials> _material;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _tokenLock = new();
    private string? _token;
    private DateTimeOffset _tokenReadAt;

    public ApiServerEndpointProvider(IOptions<ApiServerOptions> options, CertificateInventory inventory, ReloadRegistry registry, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(registry);
        _timeProvider = timeProvider;
        Uri? server = null;
        ApiServerEndpoint? latest = null;
        _material = new ReloadableMaterial<ApiServerCredentials>("apiserver", () => latest?.SourceFiles ?? [], () =>
        {
            var errors = new List<string>();
            var endpoint = ApiServerEndpointLoader.Load(options.Value, GatewayFlags.Describe("ApiServer:Kubeconfig"), errors)
                ?? throw new InvalidDataException(string.Join("; ", errors));
            if (server is not null && endpoint.Server != server)
            {
                throw new InvalidDataException($"the API server address changed from {server} to {endpoint.Server}; restart the gateway to use a new address");
            }

            server = endpoint.Server;
            latest = endpoint;
            return new ApiServerCredentials(endpoint, endpoint.ClientCertificate is { } client
                ? SslStreamCertificateContext.Create(client.Certificate, client.Intermediates, offline: true)
                : null);
        });
        registry.Add(_material);
        _token = Current.Token;
        inventory.Register("apiserver-ca", () => Current.Authorities);
        inventory.Register("apiserver-client", () => Current.ClientCertificate is { } client ? [client.Certificate] : []);
    }

    public ApiServerEndpoint Current => _material.Current.Endpoint;

    public SslStreamCertificateContext? ClientCertificateContext => _material.Current.ClientContext;

    /// <summary>What the API server's certificate must satisfy: a chain to the current CA and the server name; the gateway presents its client certificate, if any.</summary>
    public UpstreamTrust Trust
    {
        get
        {
            var current = _material.Current;
            return new UpstreamTrust(current.Endpoint.Authorities, current.Endpoint.ServerName) { ClientCertificate = current.ClientContext };
        }
    }

    /// <summary>The bearer token to present, or null when the gateway authenticates with its client certificate.</summary>
    public string? BearerToken()
    {
        var current = Current;
        if (current.TokenFile is not { } tokenFile)
        {
            return current.Token;
        }

        lock (_tokenLock)
        {
            var now = _timeProvider.GetUtcNow();
            if (_token is null || now - _tokenReadAt >= TokenRefreshInterval)
            {
                try
                {
                    _token = File.ReadAllText(tokenFile).Trim();
                    _tokenReadAt = now;
                }
                catch (IOException) when (_token is not null)
                {
                    // Keep the last token: the kubelet swaps the file atomically and the old token is still valid for a while.
                }
            }

            return _token;
        }
    }

    private sealed record ApiServerCredentials(ApiServerEndpoint Endpoint, SslStreamCertificateContext? ClientContext);
}
