using System.Net;
using System.Security.Authentication;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tracing;

namespace ApiProxyGateway.IntegrationTests.Tracing;

/// <summary>The exporter's connection to an https collector is verified, against the configured CA alone when there is one.</summary>
public sealed class OtlpHttpClientTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _collectorCa = TestPki.CreateAuthority("test-otel-collector-ca");
    private OtlpReceiver _receiver = null!;

    public async ValueTask InitializeAsync() =>
        _receiver = await OtlpReceiver.StartAsync(TestPki.IssueServer(_collectorCa, "otel-collector", [IPAddress.Loopback], dnsNames: ["otel-collector"]));

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task Collector_SignedByTheConfiguredCa_IsReached()
    {
        using var client = OtlpHttpClient.Create(Options(_pki.Write(_collectorCa, "collector-ca").Certificate));

        using var response = await client.GetAsync(_receiver.Url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // reached: the receiver refuses anything but POST /v1/traces
    }

    [Fact]
    public async Task Collector_SignedByAnotherCa_IsRefusedInTheHandshake()
    {
        using var client = OtlpHttpClient.Create(Options(_pki.Write(_pki.OtherCa, "other-ca").Certificate));

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_receiver.Url, TestContext.Current.CancellationToken));

        Assert.IsType<AuthenticationException>(failure.InnerException);
        Assert.Equal(0, _receiver.Refused);
    }

    [Fact]
    public async Task Collector_WithoutAConfiguredCa_MustChainToTheSystemRoots()
    {
        using var client = OtlpHttpClient.Create(Options(""));

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_receiver.Url, TestContext.Current.CancellationToken));

        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    [Fact]
    public async Task Collector_ReachedByANameItsCertificateDoesNotCarry_IsRefused()
    {
        using var client = OtlpHttpClient.Create(Options(_pki.Write(_collectorCa, "collector-ca").Certificate));
        var byName = new UriBuilder(_receiver.Url) { Host = "localhost" }.Uri; // the certificate names 127.0.0.1 and otel-collector only

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(byName, TestContext.Current.CancellationToken));

        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    private TracingOptions Options(string certificateAuthority) =>
        new() { OtlpEndpoint = _receiver.Url.ToString(), CertificateAuthority = certificateAuthority };
}
