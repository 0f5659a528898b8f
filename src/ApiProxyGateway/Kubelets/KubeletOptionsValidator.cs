using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Kubelets;

/// <summary>Checks the kubelet plane's settings and files at start-up, reporting every problem at once.</summary>
internal sealed class KubeletOptionsValidator(TimeProvider timeProvider) : OptionsValidator<KubeletOptions>
{
    private static readonly string[] KnownAddressTypes = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];

    protected override void Check(KubeletOptions options, SettingErrors errors)
    {
        if (string.IsNullOrWhiteSpace(options.CertificateAuthority))
        {
            errors.Add("Kubelet:CertificateAuthority", "required, the PEM bundle of CAs that sign kubelet serving certificates");
        }
        else
        {
            errors.AddIfAny("Kubelet:CertificateAuthority", PemFiles.LoadBundle(options.CertificateAuthority).CertificateError);
        }

        if (string.IsNullOrWhiteSpace(options.ClientCertificate) || string.IsNullOrWhiteSpace(options.ClientKey))
        {
            errors.Add("Kubelet:ClientCertificate", "Kubelet:ClientKey", "both required, the gateway's client certificate for kubelets and its key");
        }
        else
        {
            var loaded = PemFiles.LoadCertificateAndKey(options.ClientCertificate, options.ClientKey);
            errors.AddIfAny("Kubelet:ClientCertificate", loaded.CertificateError);
            errors.AddIfAny("Kubelet:ClientKey", loaded.KeyError);
            if (loaded.Value is { } client)
            {
                using var leaf = client.Certificate;
                errors.AddIfAny("Kubelet:ClientCertificate", CertificateValidity.Describe(leaf, timeProvider.GetUtcNow()) is { } problem ? $"the client certificate {problem}" : null);
            }
        }

        if (options.AddressTypes.Count == 0 || options.AddressTypes.Any(type => !KnownAddressTypes.Contains(type, StringComparer.Ordinal)))
        {
            errors.Add("Kubelet:PreferredAddressTypes", $"'{options.PreferredAddressTypes}' must list some of {string.Join(",", KnownAddressTypes)}");
        }

        errors.Port("Kubelet:Port", options.Port);
        errors.Duration("Kubelet:Timeout", options.Timeout);
    }
}
