using System.Net;
using ApiProxyGateway.Settings;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Tls;

/// <summary>Checks the front door's settings and certificate files at start-up, reporting every problem at once.</summary>
internal sealed class ServingOptionsValidator(TimeProvider timeProvider) : IValidateOptions<ServingOptions>
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            errors.Add($"{GatewayFlags.Describe("Serving:BindAddress")}: '{options.BindAddress}' is not an IP address");
        }

        if (options.SecurePort is < 0 or > 65535)
        {
            errors.Add($"{GatewayFlags.Describe("Serving:SecurePort")}: {options.SecurePort} is not a port number");
        }

        if (options.TlsHandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsHandshakeTimeout")}: must be positive, was {options.TlsHandshakeTimeout}");
        }

        ValidateServingCertificate(options, errors);
        ValidateClientAuthorities(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateServingCertificate(ServingOptions options, List<string> errors)
    {
        var missing = false;
        if (string.IsNullOrWhiteSpace(options.TlsCertFile))
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsCertFile")}: required, the PEM serving certificate");
            missing = true;
        }

        if (string.IsNullOrWhiteSpace(options.TlsPrivateKeyFile))
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsPrivateKeyFile")}: required, the PEM key of the serving certificate");
            missing = true;
        }

        if (missing)
        {
            return;
        }

        var loaded = PemFiles.LoadCertificateAndKey(options.TlsCertFile, options.TlsPrivateKeyFile);
        if (loaded.CertificateError is { } certificateError)
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsCertFile")}: {certificateError}");
        }

        if (loaded.KeyError is { } keyError)
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsPrivateKeyFile")}: {keyError}");
        }

        if (loaded.Value is not { } serving)
        {
            return;
        }

        using var certificate = serving.Certificate;
        var validity = CertificateValidity.Describe(certificate, timeProvider.GetUtcNow());
        if (validity is not null)
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsCertFile")}: the serving certificate {validity}");
        }

        if (!CertificateValidity.AllowsUsage(certificate, ServerAuthenticationOid))
        {
            errors.Add($"{GatewayFlags.Describe("Serving:TlsCertFile")}: the serving certificate does not allow server authentication (extended key usage)");
        }
    }

    private void ValidateClientAuthorities(ServingOptions options, List<string> errors)
    {
        var setting = GatewayFlags.Describe("Serving:ClientCaFile");
        if (string.IsNullOrWhiteSpace(options.ClientCaFile))
        {
            errors.Add($"{setting}: required, the PEM bundle of CAs that sign client certificates");
            return;
        }

        var bundle = PemFiles.LoadBundle(options.ClientCaFile);
        if (bundle.Value is not { } authorities)
        {
            errors.Add($"{setting}: {bundle.CertificateError}");
            return;
        }

        var now = timeProvider.GetUtcNow();
        var usable = 0;
        foreach (var authority in authorities)
        {
            usable += CertificateValidity.Describe(authority, now) is null ? 1 : 0;
            authority.Dispose();
        }

        if (usable == 0)
        {
            errors.Add($"{setting}: no certificate in '{options.ClientCaFile}' is currently valid");
        }
    }
}
