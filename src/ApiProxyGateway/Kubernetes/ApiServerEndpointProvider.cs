using System.Net.Security;
using ApiProxyGateway.Hosting;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// Owns the API server endpoint and the gateway's credentials for it: the client certificate context and, for
/// service-account tokens, the token re-read from its file as the kubelet rotates it.
/// </summary>
internal sealed class ApiServerEndpointProvider
{
    private static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _timeProvider;
    private readonly Lock _tokenLock = new();
    private string? _token;
    private DateTimeOffset _tokenReadAt;

    public ApiServerEndpointProvider(IOptions<ApiServerOptions> options, CertificateInventory inventory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        var errors = new List<string>();

        // The options validator has already reported these errors at start-up; this only guards misuse.
        Current = ApiServerEndpointLoader.Load(options.Value, GatewayFlags.Describe("ApiServer:Kubeconfig"), errors)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        ClientCertificateContext = Current.ClientCertificate is { } client
            ? SslStreamCertificateContext.Create(client.Certificate, client.Intermediates, offline: true)
            : null;
        _token = Current.Token;
        ArgumentNullException.ThrowIfNull(inventory);
        inventory.Register("apiserver-ca", () => Current.Authorities);
        if (Current.ClientCertificate is { } certificate)
        {
            inventory.Register("apiserver-client", () => [certificate.Certificate]);
        }
    }

    public ApiServerEndpoint Current { get; }

    public SslStreamCertificateContext? ClientCertificateContext { get; }

    /// <summary>The bearer token to present, or null when the gateway authenticates with its client certificate.</summary>
    public string? BearerToken()
    {
        if (Current.TokenFile is not { } tokenFile)
        {
            return _token;
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
}
