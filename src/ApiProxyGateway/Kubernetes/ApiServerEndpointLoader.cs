using System.Security.Cryptography.X509Certificates;
using System.Text;
using ApiProxyGateway.Tls;
using k8s;
using k8s.Exceptions;

namespace ApiProxyGateway.Kubernetes;

/// <summary>Resolves <see cref="ApiServerOptions"/> into an <see cref="ApiServerEndpoint"/>, collecting every problem.</summary>
internal static class ApiServerEndpointLoader
{
    private const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static ApiServerEndpoint? Load(ApiServerOptions options, string kubeconfigSetting, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        return string.IsNullOrWhiteSpace(options.Kubeconfig)
            ? LoadInCluster(kubeconfigSetting, errors)
            : LoadKubeconfig(options, kubeconfigSetting, errors);
    }

    private static ApiServerEndpoint? LoadKubeconfig(ApiServerOptions options, string setting, ICollection<string> errors)
    {
        if (!File.Exists(options.Kubeconfig))
        {
            errors.Add($"{setting}: file '{options.Kubeconfig}' does not exist");
            return null;
        }

        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(
                options.Kubeconfig, string.IsNullOrEmpty(options.Context) ? null : options.Context);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or YamlDotNet.Core.YamlException)
        {
            errors.Add($"{setting}: '{options.Kubeconfig}' is not a usable kubeconfig: {e.Message}");
            return null;
        }

        var before = errors.Count;
        if (config.SkipTlsVerify)
        {
            errors.Add($"{setting}: the cluster in '{options.Kubeconfig}' sets insecure-skip-tls-verify; the gateway always verifies the API server, give it certificate-authority(-data)");
        }

        if (config.SslCaCerts is not { Count: > 0 } authorities)
        {
            errors.Add($"{setting}: the cluster in '{options.Kubeconfig}' has no certificate-authority(-data); the gateway trusts only an explicit CA for the API server");
            authorities = [];
        }

        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{setting}: the server '{config.Host}' in '{options.Kubeconfig}' is not an https:// URL");
            return null;
        }

        var clientCertificate = LoadClientCertificate(config, setting, errors);
        if (clientCertificate is null && string.IsNullOrEmpty(config.AccessToken))
        {
            errors.Add($"{setting}: the user in '{options.Kubeconfig}' has neither a client certificate nor a token for the gateway to authenticate with");
        }

        return errors.Count > before ? null : new ApiServerEndpoint(server, authorities, clientCertificate, config.AccessToken, TokenFile: null, ReferencedFiles(options), config.TlsServerName);
    }

    private static CertificateWithChain? LoadClientCertificate(KubernetesClientConfiguration config, string setting, ICollection<string> errors)
    {
        string? certificatePem = null, keyPem = null;
        try
        {
            certificatePem = config.ClientCertificateData is { Length: > 0 } data ? Decode(data)
                : config.ClientCertificateFilePath is { Length: > 0 } certPath ? File.ReadAllText(certPath) : null;
            keyPem = config.ClientCertificateKeyData is { Length: > 0 } keyData ? Decode(keyData)
                : config.ClientKeyFilePath is { Length: > 0 } keyPath ? File.ReadAllText(keyPath) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            errors.Add($"{setting}: the client certificate or key could not be read: {e.Message}");
            return null;
        }

        if (certificatePem is null || keyPem is null)
        {
            return null;
        }

        try
        {
            return new CertificateWithChain(X509Certificate2.CreateFromPem(certificatePem, keyPem), []);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            errors.Add($"{setting}: the client certificate and key do not form a usable pair: {e.Message}");
            return null;
        }
    }

    private static ApiServerEndpoint? LoadInCluster(string setting, ICollection<string> errors)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        var tokenFile = Path.Combine(ServiceAccountDirectory, "token");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port) || !File.Exists(tokenFile))
        {
            errors.Add($"{setting}: empty, and this is not a pod with a service account (KUBERNETES_SERVICE_HOST/PORT and {tokenFile}); set a kubeconfig");
            return null;
        }

        var authorities = PemFiles.LoadBundle(Path.Combine(ServiceAccountDirectory, "ca.crt"));
        if (authorities.Value is null)
        {
            errors.Add($"{setting}: in-cluster CA: {authorities.CertificateError}");
            return null;
        }

        if (!int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var portNumber))
        {
            errors.Add($"{setting}: in-cluster KUBERNETES_SERVICE_PORT '{port}' is not a port number");
            return null;
        }

        var server = new UriBuilder(Uri.UriSchemeHttps, host, portNumber).Uri;
        return new ApiServerEndpoint(server, authorities.Value, ClientCertificate: null, Token: null, TokenFile: tokenFile, [Path.Combine(ServiceAccountDirectory, "ca.crt")]);
    }

    /// <summary>The kubeconfig and the files it names for its current context (CA, client certificate and key).</summary>
    private static string[] ReferencedFiles(ApiServerOptions options)
    {
        var config = KubernetesClientConfiguration.LoadKubeConfig(options.Kubeconfig);
        var contextName = string.IsNullOrEmpty(options.Context) ? config.CurrentContext : options.Context;
        var context = config.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails;
        var cluster = config.Clusters?.FirstOrDefault(c => c.Name == context?.Cluster)?.ClusterEndpoint;
        var user = config.Users?.FirstOrDefault(u => u.Name == context?.User)?.UserCredentials;
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.Kubeconfig)) ?? ".";
        return [.. new[] { options.Kubeconfig, cluster?.CertificateAuthority, user?.ClientCertificate, user?.ClientKey }
            .Where(path => !string.IsNullOrEmpty(path))
            .Select(path => Path.IsPathRooted(path) ? path! : Path.Combine(directory, path!))];
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
