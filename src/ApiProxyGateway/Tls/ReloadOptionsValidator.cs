using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Tls;

/// <summary>Checks the certificate reload interval at start-up.</summary>
internal sealed class ReloadOptionsValidator : OptionsValidator<ReloadOptions>
{
    protected override void Check(ReloadOptions options, SettingErrors errors)
    {
        errors.Duration("Tls:ReloadInterval", options.ReloadInterval);
    }
}
