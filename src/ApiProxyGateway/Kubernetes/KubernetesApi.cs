using System.Net.Http.Headers;
using System.Net.Security;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Tls;
using k8s;
using k8s.Authentication;
using k8s.Autorest;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// The gateway's KubernetesClient, with the same strict trust as every other upstream: the library's own
/// validation (which also accepts certificates from the system store) is bypassed by giving it no CA and
/// judging each handshake with the API server's <see cref="UpstreamTrust"/>.
/// </summary>
internal sealed class KubernetesApi : IDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly EndpointTokenProvider? _tokenProvider;

    public KubernetesApi(ApiServerEndpointProvider endpoint, EgressSelector egress, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(egress);
        ArgumentNullException.ThrowIfNull(endpoint);
        var current = endpoint.Current;
        _tokenProvider = current.Token is null && current.TokenFile is null ? null : new EndpointTokenProvider(endpoint);
        var config = new KubernetesClientConfiguration
        {
            Host = current.Server.ToString(),
            TokenProvider = _tokenProvider,
            FirstMessageHandlerSetup = handler =>
            {
                // Read at every handshake, so reloaded CAs and client certificates apply to new connections.
                handler.SslOptions.CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServer(endpoint, timeProvider, certificate, chain, errors);
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => endpoint.ClientCertificateContext?.TargetCertificate!; // null: the token authenticates
                handler.UseProxy = false;

                // Only the gateway's own span (a SubjectAccessReview's, with tracing on) is sent, never a caller's context.
                handler.ActivityHeadersPropagator = Telemetry.GatewayTracePropagator.Instance;
                if (!egress.ControlPlane.IsDirect)
                {
                    // Through the control-plane egress, as the pass-through's connections; TLS stays end to end.
                    handler.ConnectCallback = async (context, cancellationToken) =>
                        await egress.ControlPlane.DialAsync(context.DnsEndPoint, cancellationToken);
                }
            },
        };
        _client = new k8s.Kubernetes(config);
    }

    public IKubernetes Client => _client;

    /// <summary>A ConfigMap's data, or null when it does not exist.</summary>
    public async Task<IDictionary<string, string>?> ReadConfigMapDataAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        try
        {
            var configMap = await _client.CoreV1.ReadNamespacedConfigMapAsync(name, namespaceName, cancellationToken: cancellationToken);
            return configMap.Data ?? new Dictionary<string, string>();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Asks the API server's <c>/readyz</c>; returns null when it answers ok, otherwise the problem.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_client.BaseUri, "/readyz"));
            if (_tokenProvider is not null)
            {
                request.Headers.Authorization = await _tokenProvider.GetAuthenticationHeaderAsync(cancellationToken);
            }

            using var response = await _client.HttpClient.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"/readyz answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return e is OperationCanceledException ? "no answer in time" : e.Message;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The API server's trust as the pass-through applies it, with the chain built here (the handler's TLS options are
    /// fixed when it is created, so they could not follow a reloaded CA). With a kubeconfig tls-server-name the handler
    /// checked the dialled host, so the certificate must name tls-server-name instead.
    /// </summary>
    private static bool ValidateServer(ApiServerEndpointProvider endpoint, TimeProvider timeProvider, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? presented, SslPolicyErrors errors)
    {
        var trust = endpoint.Trust;
        if (!string.IsNullOrEmpty(endpoint.Current.TlsServerName))
        {
            trust = trust with { AcceptedNames = [trust.ServerName] };
        }

        return new UpstreamCertificateCheck(trust, timeProvider.GetUtcNow()).ValidateWithOwnChain(certificate, presented, errors);
    }

    private sealed class EndpointTokenProvider(ApiServerEndpointProvider endpoint) : ITokenProvider
    {
        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new AuthenticationHeaderValue("Bearer", endpoint.BearerToken()));
    }
}
