namespace ApiProxyGateway.Audit;

/// <summary>Where audit lines go.</summary>
internal interface IAuditSink : IAsyncDisposable
{
    Task WriteLineAsync(byte[] json);
}
