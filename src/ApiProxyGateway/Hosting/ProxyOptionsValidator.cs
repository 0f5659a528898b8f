using System.Net;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>Checks the proxy settings and files at start-up, reporting every problem at once.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var certificate = GatewayFlags.Describe("Proxy:ClientCertificate");
        var key = GatewayFlags.Describe("Proxy:ClientKey");
        if (string.IsNullOrWhiteSpace(options.ClientCertificate) || string.IsNullOrWhiteSpace(options.ClientKey))
        {
            errors.Add($"{certificate} and {key}: both required, the gateway's client certificate for workloads and its key");
        }
        else
        {
            var loaded = PemFiles.LoadCertificateAndKey(options.ClientCertificate, options.ClientKey);
            AddIfSet(errors, certificate, loaded.CertificateError);
            AddIfSet(errors, key, loaded.KeyError);
            loaded.Value?.Certificate.Dispose();
        }

        if (!string.IsNullOrEmpty(options.WorkloadCertificateAuthority) && PemFiles.LoadBundle(options.WorkloadCertificateAuthority).CertificateError is { } error)
        {
            errors.Add($"{GatewayFlags.Describe("Proxy:WorkloadCertificateAuthority")}: {error}");
        }

        foreach (var (ns, file) in options.NamespaceCertificateAuthorities)
        {
            AddIfSet(errors, $"Proxy:NamespaceCertificateAuthorities:{ns}", PemFiles.LoadBundle(file).CertificateError);
        }

        foreach (var network in options.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            errors.Add($"Proxy:AllowedNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8)");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add("Proxy:ConnectTimeout and Proxy:IdleTimeout must be positive");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddIfSet(List<string> errors, string setting, string? problem)
    {
        if (problem is not null)
        {
            errors.Add($"{setting}: {problem}");
        }
    }
}
