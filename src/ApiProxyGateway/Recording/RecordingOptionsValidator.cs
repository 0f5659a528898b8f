using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Recording;

/// <summary>Checks the recording settings at start-up, reporting every problem at once.</summary>
internal sealed partial class RecordingOptionsValidator : OptionsValidator<RecordingOptions>
{
    protected override void Check(RecordingOptions options, SettingErrors errors)
    {
        if (options.Required && string.IsNullOrWhiteSpace(options.Directory))
        {
            errors.Add("Recording:Required", "recording is required but no directory is set (--recording-dir)");
        }

        errors.Positive("Recording:MaxSessionBytes", options.MaxSessionBytes);
        errors.Positive("Recording:MaxTotalBytes", options.MaxTotalBytes);
        errors.Duration("Recording:MaxAge", options.MaxAge);
        errors.Duration("Recording:RetentionInterval", options.RetentionInterval);
        errors.Duration("Recording:FlushInterval", options.FlushInterval);
        foreach (var (name, _) in options.Namespaces)
        {
            if (name.Length > 63 || !NamespaceName().IsMatch(name))
            {
                errors.Add($"Recording:Namespaces:{name}", "is not a namespace name");
            }
        }
    }

    /// <summary>An RFC 1123 label, as a namespace name is.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex NamespaceName();
}
