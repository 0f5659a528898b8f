using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Streaming;

/// <summary>Checks the resource limits at start-up, reporting every problem at once.</summary>
internal sealed class LimitsOptionsValidator : OptionsValidator<LimitsOptions>
{
    protected override void Check(LimitsOptions options, SettingErrors errors)
    {
        errors.Positive("Limits:MaxStreams", options.MaxStreams);
        errors.Positive("Limits:MaxStreamsPerUser", options.MaxStreamsPerUser);
        errors.Positive("Limits:MaxProxyRequests", options.MaxProxyRequests);
        errors.Positive("Limits:MaxProxyRequestsPerUser", options.MaxProxyRequestsPerUser);
        errors.Positive("Limits:MaxRequestBodySize", options.MaxRequestBodySize);
        errors.AtLeast("Limits:MaxRequestHeadersTotalSize", options.MaxRequestHeadersTotalSize, 1024);
        errors.Positive("Limits:Http2MaxStreamsPerConnection", options.Http2MaxStreamsPerConnection);
    }
}
