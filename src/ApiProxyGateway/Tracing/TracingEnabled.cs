namespace ApiProxyGateway.Tracing;

/// <summary>Registered only when tracing is on, so the pipeline adds its tracing step then and only then.</summary>
internal sealed record TracingEnabled(TracingOptions Options);
