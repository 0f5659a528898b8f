using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Audit;

/// <summary>Checks the audit log settings at start-up, reporting every problem at once.</summary>
internal sealed class AuditOptionsValidator : OptionsValidator<AuditOptions>
{
    protected override void Check(AuditOptions options, SettingErrors errors)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add("Audit:Path", $"'{options.Path}' is not a file path; give one, or - for standard output");
        }

        errors.Positive("Audit:MaxSizeMegabytes", options.MaxSizeMegabytes);
        errors.NotNegative("Audit:MaxBackups", options.MaxBackups);
        errors.Positive("Audit:QueueCapacity", options.QueueCapacity);
    }
}
