using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// The trust bundles for workloads' serving certificates, most specific first: the ConfigMap a Service's
/// <c>apiproxygateway.io/trust-bundle</c> annotation names (key <c>ca.crt</c>, re-read at most every minute),
/// the namespace's bundle from the settings, then the default bundle. Files are reloaded when they change.
/// Also owns the gateway's workload client certificate, and says what a workload's certificate must satisfy.
/// </summary>
internal sealed class WorkloadTrust
{
    private static readonly TimeSpan ConfigMapCacheTime = TimeSpan.FromMinutes(1);
    private readonly ReloadableMaterial<X509Certificate2Collection>? _default;
    private readonly Dictionary<string, ReloadableMaterial<X509Certificate2Collection>> _namespaces = new(StringComparer.Ordinal);
    private readonly ReloadableMaterial<ClientCredential> _client;
    private readonly ConcurrentDictionary<string, (X509Certificate2Collection? Bundle, string? Problem, DateTimeOffset Until)> _configMaps = new(StringComparer.Ordinal);
    private readonly KubernetesApi _api;
    private readonly TimeProvider _timeProvider;

    public WorkloadTrust(IOptions<ProxyOptions> options, KubernetesApi api, CertificateInventory inventory, ReloadRegistry registry, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = options.Value;
        _api = api;
        _timeProvider = timeProvider;
        _client = new ReloadableMaterial<ClientCredential>("workload-client", () => [settings.ClientCertificate, settings.ClientKey],
            () => ClientCredential.From(CertificateLoading.CertificateAndKey(settings.ClientCertificate, settings.ClientKey, timeProvider.GetUtcNow())));
        registry.Add(_client);
        inventory.Register("workload-client", () => [_client.Current.Certificate]);
        if (!string.IsNullOrEmpty(settings.WorkloadCertificateAuthority))
        {
            _default = Bundle("workload-ca", settings.WorkloadCertificateAuthority, registry, inventory);
        }

        foreach (var (ns, file) in settings.NamespaceCertificateAuthorities)
        {
            _namespaces[ns] = Bundle($"workload-ca/{ns}", file, registry, inventory);
        }
    }

    /// <summary>What an https target's certificate must satisfy: a chain to its bundle and any one of its names; the gateway presents its workload client certificate.</summary>
    public UpstreamTrust TrustFor(ProxyTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var bundle = target.Trust ?? throw new ArgumentException($"{target.Display} carries no trust bundle", nameof(target)); // https targets always carry one
        return new UpstreamTrust(bundle, target.TlsNames[0])
        {
            AcceptedNames = target.TlsNames,
            ClientCertificate = _client.Current.Context,
        };
    }

    /// <summary>The bundle for a target in <paramref name="namespaceName"/> (of <paramref name="service"/>, if any), and where it came from.</summary>
    public async Task<(X509Certificate2Collection? Bundle, string Source)> ForAsync(string namespaceName, ServiceInfo? service, CancellationToken cancellationToken)
    {
        if (service?.TrustBundleConfigMap is { } configMap)
        {
            var (bundle, problem) = await ConfigMapBundleAsync(namespaceName, configMap, cancellationToken);
            return (bundle, problem ?? $"ConfigMap {namespaceName}/{configMap}");
        }

        if (_namespaces.TryGetValue(namespaceName, out var byNamespace))
        {
            return (byNamespace.Current, $"the trust bundle of namespace {namespaceName}");
        }

        return _default is null
            ? (null, $"no trust bundle is configured for namespace {namespaceName} (set Proxy:WorkloadCertificateAuthority, a namespace bundle, or the {ServiceInfo.TrustBundleAnnotation} annotation on the Service)")
            : (_default.Current, "the default workload trust bundle");
    }

    private async Task<(X509Certificate2Collection? Bundle, string? Problem)> ConfigMapBundleAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var key = $"{ns}/{name}";
        var now = _timeProvider.GetUtcNow();
        if (_configMaps.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return (cached.Bundle, cached.Problem);
        }

        var data = await _api.ReadConfigMapDataAsync(ns, name, cancellationToken);
        (X509Certificate2Collection? Bundle, string? Problem) result;
        if (data is null || !data.TryGetValue("ca.crt", out var pem))
        {
            result = (null, $"ConfigMap {key} named by the Service's {ServiceInfo.TrustBundleAnnotation} annotation does not exist or has no ca.crt");
        }
        else
        {
            var bundle = new X509Certificate2Collection();
            try
            {
                bundle.ImportFromPem(pem);
                result = bundle.Count > 0 ? (bundle, null) : (null, $"ConfigMap {key} has no certificate in ca.crt");
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                result = (null, $"ConfigMap {key} ca.crt is not a PEM bundle: {e.Message}");
            }
        }

        _configMaps[key] = (result.Bundle, result.Problem, now + ConfigMapCacheTime);
        return result;
    }

    private ReloadableMaterial<X509Certificate2Collection> Bundle(string plane, string file, ReloadRegistry registry, CertificateInventory inventory)
    {
        var material = new ReloadableMaterial<X509Certificate2Collection>(plane, () => [file], () => CertificateLoading.Bundle(file, _timeProvider.GetUtcNow()));
        registry.Add(material);
        inventory.Register(plane, () => material.Current);
        return material;
    }
}
