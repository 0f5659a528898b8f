namespace ApiProxyGateway.Tracing;

/// <summary>
/// OpenTelemetry tracing (section <c>Tracing</c>): spans of each request exported over OTLP/HTTP (protobuf). Off
/// unless <see cref="OtlpEndpoint"/> is set; off, no listener is registered and no span is made.
/// </summary>
internal sealed record TracingOptions
{
    public const string SectionName = "Tracing";

    /// <summary>
    /// The collector's OTLP/HTTP base URL (<c>--tracing-otlp-endpoint</c>), e.g. <c>https://otel-collector:4318</c>;
    /// spans go to its <c>v1/traces</c>. Default empty: tracing is off.
    /// </summary>
    public string OtlpEndpoint { get; init; } = "";

    /// <summary>
    /// PEM bundle of the CAs that sign the collector's certificate (<c>--tracing-otlp-certificate-authority</c>), for
    /// an https endpoint; the only roots trusted then. Default empty: the system's trusted roots. The certificate and
    /// its name are verified either way.
    /// </summary>
    public string CertificateAuthority { get; init; } = "";

    /// <summary>
    /// The share of requests traced, 0 to 1 (<c>--tracing-sampling-ratio</c>), decided once per request for all its
    /// spans (a caller's own sampling decision is not followed). Default 1: every request.
    /// </summary>
    public double SamplingRatio { get; init; } = 1.0;

    /// <summary>The <c>service.name</c> of the spans (<c>--tracing-service-name</c>). Default <c>apiproxygateway</c>.</summary>
    public string ServiceName { get; init; } = "apiproxygateway";

    /// <summary>How long one export may take before it is given up (the spans of that batch are dropped). Default 10 s.</summary>
    public TimeSpan ExportTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Enabled => OtlpEndpoint.Length > 0;

    /// <summary>Where spans are posted: the endpoint's path with <c>v1/traces</c> appended, as OTEL_EXPORTER_OTLP_ENDPOINT is read.</summary>
    public Uri TracesUri()
    {
        var endpoint = new Uri(OtlpEndpoint, UriKind.Absolute);
        var path = endpoint.AbsolutePath.EndsWith('/') ? endpoint.AbsolutePath : endpoint.AbsolutePath + "/";
        return new UriBuilder(endpoint) { Path = path + "v1/traces" }.Uri;
    }
}
