using System.Text;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>
/// Writes the user kubeconfig (context USER through the gateway, direct-USER straight to the API server, current
/// context admin) and the gateway's own kubeconfig (CN=apiproxygateway to the API server). Everything is embedded.
/// </summary>
internal static class KubeconfigWriter
{
    public const string GatewayCluster = "sandbox-gateway";
    public const string ApiServerCluster = "sandbox-apiserver";

    public static void WriteUserKubeconfig(string path, AddressPlan plan, SandboxPki pki, IEnumerable<string> users)
    {
        var names = users.ToList();
        var current = names.Contains("admin") ? "admin" : names[0];
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: v1\nkind: Config\n");
        yaml.Append($"current-context: {current}\n");
        yaml.Append("clusters:\n");
        Cluster(yaml, GatewayCluster, plan.GatewayUrl, pki.ClusterCa);
        Cluster(yaml, ApiServerCluster, plan.ApiServerUrl, pki.ClusterCa);
        yaml.Append("contexts:\n");
        foreach (var user in names)
        {
            Context(yaml, user, GatewayCluster, user);
            Context(yaml, "direct-" + user, ApiServerCluster, user);
        }

        yaml.Append("users:\n");
        foreach (var user in names)
        {
            User(yaml, user, pki.Users[user]);
        }

        WritePrivate(path, yaml.ToString());
    }

    public static void WriteGatewayKubeconfig(string path, AddressPlan plan, SandboxPki pki)
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: v1\nkind: Config\ncurrent-context: apiproxygateway\nclusters:\n");
        Cluster(yaml, ApiServerCluster, plan.ApiServerUrl, pki.ClusterCa);
        yaml.Append("contexts:\n");
        Context(yaml, SandboxPki.GatewayApiServerUser, ApiServerCluster, SandboxPki.GatewayApiServerUser);
        yaml.Append("users:\n");
        User(yaml, SandboxPki.GatewayApiServerUser, pki.GatewayApiServerClient);
        WritePrivate(path, yaml.ToString());
    }

    private static void Cluster(StringBuilder yaml, string name, Uri server, IssuedCredential ca) => yaml.Append(
        $"- name: {name}\n  cluster:\n    server: {server.ToString().TrimEnd('/')}\n    certificate-authority-data: {Base64(ca.CertificatePem)}\n");

    private static void Context(StringBuilder yaml, string name, string cluster, string user) => yaml.Append(
        $"- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n");

    private static void User(StringBuilder yaml, string name, IssuedCredential credential) => yaml.Append(
        $"- name: {name}\n  user:\n    client-certificate-data: {Base64(credential.CertificatePem)}\n    client-key-data: {Base64(credential.KeyPem)}\n");

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));

    private static void WritePrivate(string path, string text)
    {
        // Kubeconfigs embed private keys: owner-only, like the key files.
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }
}
