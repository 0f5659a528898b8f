using System.Net;
using ApiProxyGateway.IntegrationTests.Gateway;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>
/// The fault scenario's sandbox with the real gateway process tracing every request to an in-test OTLP/HTTP receiver
/// over TLS, trusting only the receiver's own CA (<c>--tracing-otlp-certificate-authority</c>). Authorization answers
/// are not cached, so every request asks the API server.
/// </summary>
public sealed class TracingSandboxFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "apg-trc-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestPki _pki = new();

    public SandboxHost Host { get; private set; } = null!;

    public OtlpReceiver Receiver { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var collectorCa = TestPki.CreateAuthority("test-otel-collector-ca");
        Receiver = await OtlpReceiver.StartAsync(TestPki.IssueServer(collectorCa, "otel-collector", [IPAddress.Loopback]));
        Host = await FaultScenario.StartSandboxAsync(_directory,
        [
            $"--tracing-otlp-endpoint={Receiver.Url}",
            $"--tracing-otlp-certificate-authority={_pki.Write(collectorCa, "otel-collector-ca").Certificate}",
            "--tracing-sampling-ratio=1",
            "--tracing-service-name=gateway-under-test",
            "--Authorization:AllowedCacheTtl=00:00:00",
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public HttpMessageInvoker Invoker(string user) => GatewayClients.Invoker(Host, user);

    /// <summary>A request carrying a caller's own trace context, which the gateway must link but never continue or pass on.</summary>
    public HttpRequestMessage RequestWithCallersTrace(string pathAndQuery)
    {
        var request = GatewayClients.Request(Host, HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("traceparent", CallersTraceParent);
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=chosen-by-the-caller");
        request.Headers.TryAddWithoutValidation("baggage", "user=someone-else");
        return request;
    }

    public const string CallersTraceId = "0af7651916cd43dd8448eb211c80319c";

    public const string CallersSpanId = "b7ad6b7169203331";

    public static readonly string CallersTraceParent = $"00-{CallersTraceId}-{CallersSpanId}-01";
}
