using System.Net;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Proxy;

/// <summary>Checks the proxy settings and files at start-up, reporting every problem at once.</summary>
internal sealed class ProxyOptionsValidator : OptionsValidator<ProxyOptions>
{
    protected override void Check(ProxyOptions options, SettingErrors errors)
    {
        if (string.IsNullOrWhiteSpace(options.ClientCertificate) || string.IsNullOrWhiteSpace(options.ClientKey))
        {
            errors.Add("Proxy:ClientCertificate", "Proxy:ClientKey", "both required, the gateway's client certificate for workloads and its key");
        }
        else
        {
            var loaded = PemFiles.LoadCertificateAndKey(options.ClientCertificate, options.ClientKey);
            errors.AddIfAny("Proxy:ClientCertificate", loaded.CertificateError);
            errors.AddIfAny("Proxy:ClientKey", loaded.KeyError);
            loaded.Value?.Certificate.Dispose();
        }

        if (!string.IsNullOrEmpty(options.WorkloadCertificateAuthority))
        {
            errors.AddIfAny("Proxy:WorkloadCertificateAuthority", PemFiles.LoadBundle(options.WorkloadCertificateAuthority).CertificateError);
        }

        foreach (var (ns, file) in options.NamespaceCertificateAuthorities)
        {
            errors.AddIfAny($"Proxy:NamespaceCertificateAuthorities:{ns}", PemFiles.LoadBundle(file).CertificateError);
        }

        if (Uri.CheckHostName(options.ClusterDomain.Trim('.')) != UriHostNameType.Dns)
        {
            errors.Add("Proxy:ClusterDomain", $"'{options.ClusterDomain}' is not a DNS domain (e.g. cluster.local)");
        }

        foreach (var network in options.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            errors.Add("Proxy:AllowedNetworks", $"'{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8)");
        }

        errors.Duration("Proxy:ConnectTimeout", options.ConnectTimeout);
        errors.Duration("Proxy:IdleTimeout", options.IdleTimeout);
    }
}
