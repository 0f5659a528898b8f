using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Tls;

/// <summary>Checks the front door's settings and certificate files at start-up, reporting every problem at once.</summary>
internal sealed class ServingOptionsValidator(TimeProvider timeProvider) : OptionsValidator<ServingOptions>
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    protected override void Check(ServingOptions options, SettingErrors errors)
    {
        errors.Address("Serving:BindAddress", options.BindAddress);
        errors.Port("Serving:SecurePort", options.SecurePort, zeroMeans: "any free port");
        errors.Duration("Serving:TlsHandshakeTimeout", options.TlsHandshakeTimeout);
        ValidateServingCertificate(options, errors);
        ValidateClientAuthorities(options, errors);
    }

    private void ValidateServingCertificate(ServingOptions options, SettingErrors errors)
    {
        var missing = false;
        if (string.IsNullOrWhiteSpace(options.TlsCertFile))
        {
            errors.Add("Serving:TlsCertFile", "required, the PEM serving certificate");
            missing = true;
        }

        if (string.IsNullOrWhiteSpace(options.TlsPrivateKeyFile))
        {
            errors.Add("Serving:TlsPrivateKeyFile", "required, the PEM key of the serving certificate");
            missing = true;
        }

        if (missing)
        {
            return;
        }

        var loaded = PemFiles.LoadCertificateAndKey(options.TlsCertFile, options.TlsPrivateKeyFile);
        errors.AddIfAny("Serving:TlsCertFile", loaded.CertificateError);
        errors.AddIfAny("Serving:TlsPrivateKeyFile", loaded.KeyError);
        if (loaded.Value is not { } serving)
        {
            return;
        }

        using var certificate = serving.Certificate;
        if (CertificateValidity.Describe(certificate, timeProvider.GetUtcNow()) is { } validity)
        {
            errors.Add("Serving:TlsCertFile", $"the serving certificate {validity}");
        }

        if (!CertificateValidity.AllowsUsage(certificate, ServerAuthenticationOid))
        {
            errors.Add("Serving:TlsCertFile", $"the serving certificate '{certificate.Subject}' does not allow server authentication (extended key usage)");
        }
    }

    private void ValidateClientAuthorities(ServingOptions options, SettingErrors errors)
    {
        const string setting = "Serving:ClientCaFile";
        if (string.IsNullOrWhiteSpace(options.ClientCaFile))
        {
            errors.Add(setting, "required, the PEM bundle of CAs that sign client certificates");
            return;
        }

        var bundle = PemFiles.LoadBundle(options.ClientCaFile);
        if (bundle.Value is not { } authorities)
        {
            errors.AddIfAny(setting, bundle.CertificateError);
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
            errors.Add(setting, $"no certificate in '{options.ClientCaFile}' is currently valid");
        }
    }
}
