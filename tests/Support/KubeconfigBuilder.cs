using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// The one way tests write a kubeconfig: clusters, users and contexts as kubectl and KubernetesClient read them, with
/// certificates embedded (<c>*-data</c>) or named by path. The first context is the current one unless another is set.
/// </summary>
internal sealed class KubeconfigBuilder
{
    private readonly StringBuilder _clusters = new();
    private readonly StringBuilder _users = new();
    private readonly StringBuilder _contexts = new();
    private string? _currentContext;

    /// <summary>A cluster at <paramref name="server"/>'s scheme and authority, verified against <paramref name="authority"/> (embedded).</summary>
    public KubeconfigBuilder Cluster(string name, Uri server, X509Certificate2 authority) =>
        AddCluster(name, server, ("certificate-authority-data", Base64(authority.ExportCertificatePem())));

    /// <summary>A cluster verified against the CA bundle in <paramref name="authorityFile"/>.</summary>
    public KubeconfigBuilder Cluster(string name, Uri server, string authorityFile) =>
        AddCluster(name, server, ("certificate-authority", authorityFile));

    /// <summary>A cluster with <c>insecure-skip-tls-verify: true</c> and no CA: only for the tests that show it is refused.</summary>
    public KubeconfigBuilder InsecureCluster(string name, Uri server) =>
        AddCluster(name, server, ("insecure-skip-tls-verify", "true"));

    /// <summary>A user presenting <paramref name="client"/> and its private key, both embedded.</summary>
    public KubeconfigBuilder User(string name, X509Certificate2 client) =>
        AddUser(name, ("client-certificate-data", Base64(client.ExportCertificatePem())), ("client-key-data", Base64(PrivateKeyPem(client))));

    /// <summary>A user presenting the certificate and key in these files.</summary>
    public KubeconfigBuilder User(string name, string certificateFile, string keyFile) =>
        AddUser(name, ("client-certificate", certificateFile), ("client-key", keyFile));

    /// <summary>A user with a bearer token.</summary>
    public KubeconfigBuilder TokenUser(string name, string token) => AddUser(name, ("token", token));

    /// <summary>A user with a user name and no credential at all (no client certificate to present).</summary>
    public KubeconfigBuilder UserWithoutCredentials(string name, string username) => AddUser(name, ("username", username));

    public KubeconfigBuilder Context(string name, string cluster, string user, string? @namespace = null)
    {
        _contexts.Append($"- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n");
        if (@namespace is not null)
        {
            _contexts.Append($"    namespace: {@namespace}\n");
        }

        _currentContext ??= name;
        return this;
    }

    public KubeconfigBuilder CurrentContext(string name)
    {
        _currentContext = name;
        return this;
    }

    /// <summary>The kubeconfig as YAML.</summary>
    public override string ToString() =>
        $"apiVersion: v1\nkind: Config\nclusters:\n{_clusters}users:\n{_users}contexts:\n{_contexts}current-context: {_currentContext ?? ""}\n";

    /// <summary>Writes the kubeconfig to <paramref name="path"/> and returns the path.</summary>
    public string WriteTo(string path)
    {
        File.WriteAllText(path, ToString());
        return path;
    }

    private KubeconfigBuilder AddCluster(string name, Uri server, (string Key, string Value) trust)
    {
        _clusters.Append($"- name: {name}\n  cluster:\n    server: {server.GetLeftPart(UriPartial.Authority)}\n    {trust.Key}: {trust.Value}\n");
        return this;
    }

    private KubeconfigBuilder AddUser(string name, params (string Key, string Value)[] fields)
    {
        _users.Append($"- name: {name}\n  user:\n");
        foreach (var (key, value) in fields)
        {
            _users.Append($"    {key}: {value}\n");
        }

        return this;
    }

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException($"{certificate.Subject} carries no ECDSA or RSA private key to embed.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
}
