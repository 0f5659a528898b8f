using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Sessions;

/// <summary>Checks the session settings at start-up, reporting every problem at once.</summary>
internal sealed class SessionGuardOptionsValidator : OptionsValidator<SessionGuardOptions>
{
    protected override void Check(SessionGuardOptions options, SettingErrors errors)
    {
        errors.DurationOrZero("Sessions:StreamReauthorizationInterval", options.StreamReauthorizationInterval);
        errors.DurationOrZero("Sessions:StreamReauthorizationGracePeriod", options.StreamReauthorizationGracePeriod);
        errors.Duration("Sessions:CertificateCheckInterval", options.CertificateCheckInterval);
    }
}
