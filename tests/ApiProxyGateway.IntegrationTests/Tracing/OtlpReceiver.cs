using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.IntegrationTests.Tracing.Otlp;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>
/// A collector's OTLP/HTTP endpoint on real Kestrel and TLS: <c>POST /v1/traces</c> with an
/// <c>ExportTraceServiceRequest</c> in protobuf, decoded and kept, answered as a collector answers. Tests wait on
/// <see cref="UntilAsync"/>, which checks again whenever a batch arrives.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ReceivedSpan> _spans = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The endpoint to give the gateway (its base URL: the exporter appends <c>v1/traces</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests to anything but <c>POST /v1/traces</c> with protobuf, which a collector would refuse.</summary>
    public int Refused { get; private set; }

    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans];
            }
        }
    }

    public static async Task<OtlpReceiver> StartAsync(X509Certificate2 serverCertificate)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(serverCertificate);
        }));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = ListeningAddress.Of(app);
        return receiver;
    }

    /// <summary>Until the spans received satisfy <paramref name="condition"/>; fails naming <paramref name="what"/> and listing what arrived.</summary>
    public Task UntilAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, string what) =>
        TestWait.UntilAsync(
            () => condition(Spans),
            () =>
            {
                lock (_lock)
                {
                    return _changed.Task;
                }
            },
            what,
            TestWait.OperationTimeout,
            TestContext.Current.CancellationToken,
            () => $"{Spans.Count} spans received ({Refused} requests refused):{Environment.NewLine}{string.Join(Environment.NewLine, Spans)}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/v1/traces" || context.Request.Method != "POST" || context.Request.ContentType != "application/x-protobuf")
        {
            Refused++;
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var request = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        var spans = request.ResourceSpans.SelectMany(resource => resource.ScopeSpans.SelectMany(scope => scope.Spans.Select(span => Decode(resource, scope, span)))).ToList();
        lock (_lock)
        {
            _spans.AddRange(spans);
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray(), context.RequestAborted);
    }

    private static ReceivedSpan Decode(ResourceSpans resource, ScopeSpans scope, Span span) => new(
        Text(resource.Resource.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value),
        scope.Scope?.Name ?? "",
        Hex(span.TraceId),
        Hex(span.SpanId),
        Hex(span.ParentSpanId),
        span.Name,
        span.Kind.ToString(),
        span.Attributes.ToDictionary(a => a.Key, a => Text(a.Value), StringComparer.Ordinal),
        [.. span.Links.Select(link => (Hex(link.TraceId), Hex(link.SpanId)))],
        span.Status?.Code == Status.Types.StatusCode.Error);

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        null => "",
        _ => value.ToString(),
    };
}
