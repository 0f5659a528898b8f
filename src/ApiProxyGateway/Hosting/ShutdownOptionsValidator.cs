using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Hosting;

/// <summary>Checks the shutdown periods at start-up, reporting every problem at once.</summary>
internal sealed class ShutdownOptionsValidator : OptionsValidator<ShutdownOptions>
{
    protected override void Check(ShutdownOptions options, SettingErrors errors)
    {
        errors.DurationOrZero("Shutdown:ReadinessGracePeriod", options.ReadinessGracePeriod);
        errors.DurationOrZero("Shutdown:DrainPeriod", options.DrainPeriod);

        // The host's shutdown timeout is both periods and 10 s more, and a timer too.
        var (grace, drain) = (options.ReadinessGracePeriod, options.DrainPeriod);
        var longest = SettingErrors.LongestDuration;
        if (grace >= TimeSpan.Zero && drain >= TimeSpan.Zero && grace <= longest && drain <= longest && grace + drain > longest)
        {
            errors.Add("Shutdown:ReadinessGracePeriod", $"{grace} and Shutdown:DrainPeriod {drain} must come to at most {longest} together, were {grace + drain}");
        }
    }
}
