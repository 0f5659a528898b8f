using System.Net.Http.Headers;
using System.Net.Security;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Tls;
using k8s;
using k8s.Authentication;
using k8s.Autorest;
using k8s.Models;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// The gateway's KubernetesClient, with the same strict trust as every other upstream: the library's own
/// validation (which also accepts certificates from the system store) is bypassed by giving it no CA and
/// configuring the handler here.
/// </summary>
internal sealed class KubernetesApi : ISubjectAccessReviewClient, IDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly EndpointTokenProvider? _tokenProvider;

    public KubernetesApi(ApiServerEndpointProvider endpoint, EgressSelector egress)
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
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServer(endpoint, certificate, chain, errors);
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => endpoint.ClientCertificateContext?.TargetCertificate!; // null: the token authenticates
                handler.UseProxy = false;
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

    public async Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Name,
                Groups = [.. user.Groups],
                Uid = user.Uid,
                Extra = user.Extra.ToDictionary(pair => pair.Key, pair => (IList<string>)[.. pair.Value]),
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = attributes.Verb,
                    Group = attributes.Group,
                    Resource = attributes.Resource,
                    Subresource = attributes.Subresource,
                    NamespaceProperty = attributes.Namespace,
                    Name = attributes.Name,
                },
            },
        };

        try
        {
            var result = await _client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: cancellationToken);
            var status = result.Status ?? throw new AuthorizationUnavailableException("the API server returned a SubjectAccessReview without status");
            return Decision(status);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AuthorizationUnavailableException($"the API server could not be asked: {e.Message}", e);
        }
    }

    /// <summary>
    /// Only <c>allowed: true</c> (and not <c>denied</c>) allows. Everything else is a denial: no opinion, an evaluation
    /// error, a conditional decision (KEP-5681, which a conditions-unaware client such as the gateway receives as not
    /// allowed), whatever a future API server adds. The reason says which, for the 403 and the audit event.
    /// </summary>
    internal static AccessDecision Decision(V1SubjectAccessReviewStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var reason = status.Reason ?? "";
        if (!string.IsNullOrEmpty(status.EvaluationError))
        {
            reason = reason.Length == 0 ? $"evaluation error: {status.EvaluationError}" : $"{reason} (evaluation error: {status.EvaluationError})";
        }

        return new AccessDecision(status.Allowed && status.Denied != true, reason);
    }

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
    /// The chain against the current API-server CA only (never the system store) and the host name, which
    /// SslStream has already checked (<see cref="SslPolicyErrors.RemoteCertificateNameMismatch"/>).
    /// </summary>
    private static bool ValidateServer(ApiServerEndpointProvider endpoint, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? presented, SslPolicyErrors errors)
    {
        var current = endpoint.Current;
        if (certificate is not System.Security.Cryptography.X509Certificates.X509Certificate2 server
            || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        // With a kubeconfig tls-server-name the certificate must name that, not the dialled host.
        var nameMatches = string.IsNullOrEmpty(current.TlsServerName)
            ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            : server.MatchesHostname(current.TlsServerName);
        if (!nameMatches)
        {
            return false;
        }

        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain { ChainPolicy = UpstreamTls.CreateChainPolicy(current.Authorities, now: null) };
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }

        var valid = chain.Build(server);
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        return valid;
    }

    private sealed class EndpointTokenProvider(ApiServerEndpointProvider endpoint) : ITokenProvider
    {
        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new AuthenticationHeaderValue("Bearer", endpoint.BearerToken()));
    }
}
