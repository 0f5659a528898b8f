using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>Range checks for the cache settings of authentication and authorization.</summary>
internal sealed class SmallOptionsValidators : IValidateOptions<ClientCertificateAuthenticationOptions>, IValidateOptions<AccessReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientCertificateAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Positive(errors, "Authentication:CacheSize", options.CacheSize);
        Positive(errors, "Authentication:CacheSlidingExpiration", options.CacheSlidingExpiration);
        Positive(errors, "Authentication:CacheAbsoluteExpiration", options.CacheAbsoluteExpiration);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, AccessReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Positive(errors, "Authorization:CacheSize", options.CacheSize);
        Positive(errors, "Authorization:Timeout", options.Timeout);
        if (options.AllowedCacheTtl < TimeSpan.Zero || options.DeniedCacheTtl < TimeSpan.Zero)
        {
            errors.Add("Authorization:AllowedCacheTtl/DeniedCacheTtl: must not be negative (zero disables caching)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{setting}: must be positive, was {value}");
        }
    }

    private static void Positive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{setting}: must be positive, was {value}");
        }
    }
}
