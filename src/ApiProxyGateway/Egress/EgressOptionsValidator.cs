using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Egress;

/// <summary>
/// Reads and checks the egress selector file at start-up, certificate files included, reporting every problem at
/// once, each with the setting, the file and the field.
/// </summary>
internal sealed class EgressOptionsValidator(TimeProvider timeProvider) : IValidateOptions<EgressOptions>
{
    public ValidateOptionsResult Validate(string? name, EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.SelectorConfigFile))
        {
            return ValidateOptionsResult.Success;
        }

        var (configuration, errors) = EgressConfigurationReader.Read(options.SelectorConfigFile);
        if (configuration is not null)
        {
            errors = EgressConfigurationValidation.Validate(configuration, timeProvider.GetUtcNow());
        }

        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(error => $"{EgressOptions.SelectorConfigFileSetting}: '{options.SelectorConfigFile}': {error}"));
    }
}
