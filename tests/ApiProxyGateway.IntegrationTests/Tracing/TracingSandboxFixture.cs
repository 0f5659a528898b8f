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

    /// <summary>A request carrying a caller's own trace context (<see cref="CallersTrace"/>).</summary>
    public HttpRequestMessage RequestWithCallersTrace(string pathAndQuery) =>
        CallersTrace.AddTo(GatewayClients.Request(Host, HttpMethod.Get, pathAndQuery));
}
