using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Authentication;

/// <summary>Checks the validation cache settings of the client-certificate scheme at start-up.</summary>
internal sealed class ClientCertificateAuthenticationOptionsValidator : OptionsValidator<ClientCertificateAuthenticationOptions>
{
    protected override void Check(ClientCertificateAuthenticationOptions options, SettingErrors errors)
    {
        errors.Positive("Authentication:CacheSize", options.CacheSize);
        errors.Duration("Authentication:CacheSlidingExpiration", options.CacheSlidingExpiration);
        errors.Duration("Authentication:CacheAbsoluteExpiration", options.CacheAbsoluteExpiration);

        // Compared with certificates' validity, never waited for: longer than a timer's limit is fine.
        if (options.MaxClientCertificateLifetime < TimeSpan.Zero)
        {
            errors.Add("Authentication:MaxClientCertificateLifetime", $"must not be negative (0: no limit), was {options.MaxClientCertificateLifetime}");
        }
    }
}
