using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Authorization;

/// <summary>Checks the SubjectAccessReview cache and timeout settings at start-up.</summary>
internal sealed class AccessReviewOptionsValidator : OptionsValidator<AccessReviewOptions>
{
    protected override void Check(AccessReviewOptions options, SettingErrors errors)
    {
        errors.Positive("Authorization:CacheSize", options.CacheSize);
        errors.Duration("Authorization:Timeout", options.Timeout);
        errors.DurationOrZero("Authorization:AllowedCacheTtl", options.AllowedCacheTtl);
        errors.DurationOrZero("Authorization:DeniedCacheTtl", options.DeniedCacheTtl);
    }
}
