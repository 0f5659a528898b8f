namespace ApiProxyGateway.Audit;

/// <summary>Where audit lines go: written as they come, flushed whenever the queue runs empty.</summary>
internal interface IAuditSink : IAsyncDisposable
{
    ValueTask WriteLineAsync(ReadOnlyMemory<byte> json);

    Task FlushAsync();
}
