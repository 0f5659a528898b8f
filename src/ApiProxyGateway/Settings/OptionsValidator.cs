using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Settings;

/// <summary>
/// The shape of every options validator of the gateway: all of <see cref="Check"/>'s problems are collected and
/// reported together, each naming its setting and the bad value (<see cref="SettingErrors"/>).
/// </summary>
internal abstract class OptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new SettingErrors();
        Check(options, errors);
        return errors.Result();
    }

    protected abstract void Check(TOptions options, SettingErrors errors);
}
