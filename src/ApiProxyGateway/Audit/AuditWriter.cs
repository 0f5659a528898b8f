using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Audit;

/// <summary>
/// Writes audit events as JSON lines to a file (rotated by size, keeping a number of backups) or to standard
/// output. Requests only enqueue: when the queue is full the event is dropped and counted, so writing never
/// blocks proxied traffic. The one reader serializes into one reused buffer and flushes whenever the queue runs
/// empty, so a busy gateway writes many events per system call and an idle one has written everything.
/// </summary>
internal sealed partial class AuditWriter : BackgroundService
{
    private readonly Channel<AuditEvent> _queue;
    private readonly AuditOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AuditWriter> _logger;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public AuditWriter(IOptions<AuditOptions> options, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<AuditWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = AuditJsonContext.Default.Options.Encoder });
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
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_queue.Reader.TryRead(out var auditEvent))
                {
                    await WriteAsync(sink, auditEvent);
                }

                await FlushAsync(sink);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what is already queued, then stop.
            while (_queue.Reader.TryRead(out var remaining))
            {
                await WriteAsync(sink, remaining);
            }

            await FlushAsync(sink);
        }
    }

    public override void Dispose()
    {
        _json.Dispose();
        base.Dispose();
    }

    private async Task WriteAsync(IAuditSink sink, AuditEvent auditEvent)
    {
        try
        {
            _buffer.ResetWrittenCount();
            _json.Reset();
            JsonSerializer.Serialize(_json, auditEvent, AuditJsonContext.Default.AuditEvent);
            await sink.WriteLineAsync(_buffer.WrittenMemory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _metrics.AuditEventDropped();
            WriteFailed(_logger, _options.Path, e.Message);
        }
    }

    private async Task FlushAsync(IAuditSink sink)
    {
        try
        {
            await sink.FlushAsync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailed(_logger, _options.Path, e.Message);
        }
    }

    [LoggerMessage(EventIds.AuditWriteFailed, LogLevel.Error, "Could not write an audit event to '{Path}': {Reason}")]
    private static partial void WriteFailed(ILogger logger, string path, string reason);
}
