using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>Checks the kubelet plane's settings and files at start-up, reporting every problem at once.</summary>
internal sealed class KubeletOptionsValidator(TimeProvider timeProvider) : IValidateOptions<KubeletOptions>
{
    private static readonly string[] KnownAddressTypes = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];

    public ValidateOptionsResult Validate(string? name, KubeletOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var authority = GatewayFlags.Describe("Kubelet:CertificateAuthority");
        if (string.IsNullOrWhiteSpace(options.CertificateAuthority))
        {
            errors.Add($"{authority}: required, the PEM bundle of CAs that sign kubelet serving certificates");
        }
        else if (PemFiles.LoadBundle(options.CertificateAuthority).CertificateError is { } error)
        {
            errors.Add($"{authority}: {error}");
        }

        var certificate = GatewayFlags.Describe("Kubelet:ClientCertificate");
        var key = GatewayFlags.Describe("Kubelet:ClientKey");
        if (string.IsNullOrWhiteSpace(options.ClientCertificate) || string.IsNullOrWhiteSpace(options.ClientKey))
        {
            errors.Add($"{certificate} and {key}: both required, the gateway's client certificate for kubelets and its key");
        }
        else
        {
            var loaded = PemFiles.LoadCertificateAndKey(options.ClientCertificate, options.ClientKey);
            AddIfSet(errors, certificate, loaded.CertificateError);
            AddIfSet(errors, key, loaded.KeyError);
            if (loaded.Value is { } client)
            {
                using var leaf = client.Certificate;
                AddIfSet(errors, certificate, CertificateValidity.Describe(leaf, timeProvider.GetUtcNow()) is { } problem ? $"the client certificate {problem}" : null);
            }
        }

        var unknown = options.AddressTypes.Where(type => !KnownAddressTypes.Contains(type, StringComparer.Ordinal)).ToArray();
        if (options.AddressTypes.Count == 0 || unknown.Length > 0)
        {
            errors.Add($"{GatewayFlags.Describe("Kubelet:PreferredAddressTypes")}: '{options.PreferredAddressTypes}' must list some of {string.Join(",", KnownAddressTypes)}");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Kubelet:Port: {options.Port} is not a port number");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Kubelet:Timeout: must be positive, was {options.Timeout}");
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
