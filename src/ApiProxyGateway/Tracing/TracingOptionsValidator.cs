using System.Globalization;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Tracing;

/// <summary>Checks the tracing settings at start-up: the endpoint, its CA file, the ratio and the service name.</summary>
internal sealed class TracingOptionsValidator : OptionsValidator<TracingOptions>
{
    protected override void Check(TracingOptions options, SettingErrors errors)
    {
        var https = false;
        if (options.Enabled)
        {
            if (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.Host.Length == 0)
            {
                errors.Add("Tracing:OtlpEndpoint", $"'{options.OtlpEndpoint}' is not an http or https URL");
            }
            else if (endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            {
                errors.Add("Tracing:OtlpEndpoint", $"'{options.OtlpEndpoint}' must have no user information, query or fragment");
            }
            else
            {
                https = endpoint.Scheme == "https";
            }
        }

        if (options.CertificateAuthority.Length > 0)
        {
            if (!https)
            {
                errors.Add("Tracing:CertificateAuthority", "applies only to an https Tracing:OtlpEndpoint");
            }

            errors.AddIfAny("Tracing:CertificateAuthority", PemFiles.LoadBundle(options.CertificateAuthority).CertificateError);
        }

        if (double.IsNaN(options.SamplingRatio) || options.SamplingRatio is < 0 or > 1)
        {
            errors.Add("Tracing:SamplingRatio", $"must be between 0 and 1, was {options.SamplingRatio.ToString(CultureInfo.InvariantCulture)}");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName) || options.ServiceName.Length > 255 || options.ServiceName.Any(char.IsControl))
        {
            errors.Add("Tracing:ServiceName", $"must be 1 to 255 characters without control characters, was '{options.ServiceName}'");
        }

        errors.Duration("Tracing:ExportTimeout", options.ExportTimeout);
    }
}
