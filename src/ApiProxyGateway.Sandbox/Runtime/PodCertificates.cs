using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Serving certificates for a pod's workloads, written to <c>DIR/pods/NS_POD/tls/</c> when the pod starts:
/// <c>tls.crt/.key</c> from the workload CA with the pod IP and the DNS names of every Service selecting the pod
/// (<c>SVC.NS.svc</c>, <c>SVC.NS.svc.cluster.local</c>), <c>ca.crt</c>, and broken variants for proxy tests:
/// <c>wrong-name</c>, <c>expired</c>, <c>unknown-ca</c> (each <c>.crt/.key</c>).
/// </summary>
internal static class PodCertificates
{
    public static void Write(PodContext pod, ResourceStore store, SandboxPki pki, TimeProvider timeProvider)
    {
        var issuer = pki.Issuer;
        var names = ServiceNames(pod.Pod, store).Append(pod.Name).ToList();
        IPAddress[] ips = [IPAddress.Parse(pod.Ip)];
        var subject = new X500DistinguishedName($"CN={pod.Name}.{pod.Namespace}");
        var now = timeProvider.GetUtcNow();
        var directory = pod.TlsDirectory;
        Directory.CreateDirectory(directory);
        Write(issuer.IssueServing(pki.WorkloadCa, subject, ips, names), directory, "tls");
        Write(issuer.IssueServing(pki.WorkloadCa, subject, [IPAddress.Parse("192.0.2.1")], ["wrong-name.invalid"]), directory, "wrong-name");
        Write(issuer.IssueServing(pki.WorkloadCa, subject, ips, names, now.AddMinutes(-50), now.AddMinutes(-10)), directory, "expired");
        Write(issuer.IssueServing(issuer.CreateAuthority("apiproxygateway-sandbox-unknown-workload-ca"), subject, ips, names), directory, "unknown-ca");
        File.WriteAllText(Path.Combine(directory, "ca.crt"), pki.WorkloadCa.CertificatePem);
    }

    private static IEnumerable<string> ServiceNames(V1Pod pod, ResourceStore store)
    {
        var labels = pod.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var service in store.Typed.List<V1Service>(pod.Metadata.NamespaceProperty))
        {
            if (service.Spec?.Selector is { Count: > 0 } selector && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
            {
                var name = $"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc";
                yield return name;
                yield return name + ".cluster.local";
            }
        }
    }

    private static void Write(IssuedCredential credential, string directory, string name)
    {
        using (credential.Certificate)
        {
            SandboxPki.WritePair(credential, Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"));
        }
    }
}
