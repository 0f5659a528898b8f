using System.Text.Json;
using System.Threading.Channels;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Audit;

/// <summary>
/// Writes audit events as JSON lines to a file (rotated by size, keeping a number of backups) or to standard
/// output. Requests only enqueue: when the queue is full the event is dropped and counted, so writing never
/// blocks proxied traffic.
/// </summary>
internal sealed partial class AuditWriter : BackgroundService
{
    private readonly Channel<AuditEvent> _queue;
    private readonly AuditOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AuditWriter> _logger;

    public AuditWriter(IOptions<AuditOptions> options, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<AuditWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(Math.Max(1, _options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        }, _ => metrics.AuditEventDropped());
    }

    public void Write(AuditEvent auditEvent) => _queue.Writer.TryWrite(auditEvent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var sink = _options.Path == "-" ? (IAuditSink)new ConsoleAuditSink() : new FileAuditSink(_options, _timeProvider);
        try
        {
            await foreach (var auditEvent in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await WriteAsync(sink, auditEvent);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what is already queued, then stop.
            while (_queue.Reader.TryRead(out var remaining))
            {
                await WriteAsync(sink, remaining);
            }
        }
    }

    private async Task WriteAsync(IAuditSink sink, AuditEvent auditEvent)
    {
        try
        {
            await sink.WriteLineAsync(JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent));
        }
        catch (IOException e)
        {
            _metrics.AuditEventDropped();
            WriteFailed(_logger, _options.Path, e.Message);
        }
    }

    [LoggerMessage(EventIds.AuditWriteFailed, LogLevel.Error, "Could not write an audit event to '{Path}': {Reason}")]
    private static partial void WriteFailed(ILogger logger, string path, string reason);
}
