using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Streaming;

/// <summary>Checks the stream timeouts at start-up, reporting every problem at once.</summary>
internal sealed class StreamingOptionsValidator : OptionsValidator<StreamingOptions>
{
    protected override void Check(StreamingOptions options, SettingErrors errors)
    {
        errors.Duration("Streaming:IdleTimeout", options.IdleTimeout);
        errors.Duration("Streaming:StreamCreationTimeout", options.StreamCreationTimeout);
    }
}
