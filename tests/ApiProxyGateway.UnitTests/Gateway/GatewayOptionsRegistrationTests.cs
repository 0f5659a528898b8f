using ApiProxyGateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class GatewayOptionsRegistrationTests
{
    private static readonly Dictionary<string, string?> BadSettings = new(StringComparer.Ordinal)
    {
        ["Serving:BindAddress"] = "nowhere",
        ["Serving:SecurePort"] = "70000",
        ["Serving:TlsHandshakeTimeout"] = "-00:00:01",
        ["ApiServer:Kubeconfig"] = "/nonexistent/kubeconfig",
        ["ApiServer:ActivityTimeout"] = "00:00:00",
        ["ApiServer:IdleTimeout"] = "50.00:00:00",
        ["ApiServer:ConnectionLifetime"] = "-00:00:01",
        ["ApiServer:ConnectTimeout"] = "00:00:00",
        ["Authentication:CacheSize"] = "0",
        ["Authentication:CacheSlidingExpiration"] = "00:00:00",
        ["Authentication:CacheAbsoluteExpiration"] = "-00:00:01",
        ["Authorization:CacheSize"] = "-1",
        ["Authorization:Timeout"] = "00:00:00",
        ["Authorization:AllowedCacheTtl"] = "-00:00:01",
        ["Authorization:DeniedCacheTtl"] = "60.00:00:00",
        ["Kubelet:PreferredAddressTypes"] = "Nowhere",
        ["Kubelet:Port"] = "0",
        ["Kubelet:Timeout"] = "00:00:00",
        ["Streaming:IdleTimeout"] = "00:00:00",
        ["Streaming:StreamCreationTimeout"] = "-00:00:01",
        ["Proxy:ClusterDomain"] = "",
        ["Proxy:AllowedNetworks:0"] = "10.0.0.0/99",
        ["Proxy:ConnectTimeout"] = "00:00:00",
        ["Proxy:IdleTimeout"] = "-00:00:01",
        ["Operations:BindAddress"] = "anywhere",
        ["Operations:Port"] = "-1",
        ["Audit:Path"] = " ",
        ["Audit:MaxSizeMegabytes"] = "0",
        ["Audit:MaxBackups"] = "-1",
        ["Audit:QueueCapacity"] = "0",
        ["Tls:ReloadInterval"] = "00:00:00",
        ["Limits:MaxStreams"] = "0",
        ["Limits:MaxStreamsPerUser"] = "0",
        ["Limits:MaxRequestBodySize"] = "0",
        ["Limits:MaxRequestHeadersTotalSize"] = "100",
        ["Limits:Http2MaxStreamsPerConnection"] = "0",
        ["Shutdown:ReadinessGracePeriod"] = "-00:00:01",
        ["Shutdown:DrainPeriod"] = "50.00:00:00",
        ["Tracing:OtlpEndpoint"] = "collector:4318",
        ["Tracing:CertificateAuthority"] = "/nonexistent/collector-ca.crt",
        ["Tracing:SamplingRatio"] = "1.5",
        ["Tracing:ServiceName"] = " ",
        ["Tracing:ExportTimeout"] = "00:00:00",
    };

    [Fact]
    public void StartupValidation_EverySettingBad_ReportsEveryOneWithItsKeyFlagAndValue()
    {
        var failures = StartupFailures(BadSettings);

        string[] expected =
        [
            "Serving:BindAddress (--bind-address): 'nowhere' is not an IP address",
            "Serving:SecurePort (--secure-port): 70000 is not a port number (1-65535, or 0: any free port)",
            "Serving:TlsHandshakeTimeout: must be positive, was -00:00:01",
            "Serving:TlsCertFile (--tls-cert-file): required, the PEM serving certificate",
            "ApiServer:Kubeconfig (--kubeconfig): file '/nonexistent/kubeconfig' does not exist",
            "ApiServer:ActivityTimeout: must be positive, was 00:00:00",
            "ApiServer:IdleTimeout: must be at most 49.00:00:00, was 50.00:00:00",
            "ApiServer:ConnectionLifetime: must be positive, was -00:00:01",
            "ApiServer:ConnectTimeout: must be positive, was 00:00:00",
            "Authentication:CacheSize: must be positive, was 0",
            "Authentication:CacheSlidingExpiration: must be positive, was 00:00:00",
            "Authentication:CacheAbsoluteExpiration: must be positive, was -00:00:01",
            "Authorization:CacheSize: must be positive, was -1",
            "Authorization:Timeout: must be positive, was 00:00:00",
            "Authorization:AllowedCacheTtl: must not be negative, was -00:00:01",
            "Authorization:DeniedCacheTtl: must be at most 49.00:00:00, was 60.00:00:00",
            "Kubelet:CertificateAuthority (--kubelet-certificate-authority): required, the PEM bundle of CAs that sign kubelet serving certificates",
            "Kubelet:PreferredAddressTypes (--kubelet-preferred-address-types): 'Nowhere' must list some of Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP",
            "Kubelet:Port (--kubelet-port): 0 is not a port number (1-65535)",
            "Kubelet:Timeout (--kubelet-timeout): must be positive, was 00:00:00",
            "Streaming:IdleTimeout: must be positive, was 00:00:00",
            "Streaming:StreamCreationTimeout: must be positive, was -00:00:01",
            "Proxy:ClientCertificate (--proxy-client-cert-file) and Proxy:ClientKey (--proxy-client-key-file): both required, the gateway's client certificate for workloads and its key",
            "Proxy:ClusterDomain: '' is not a DNS domain (e.g. cluster.local)",
            "Proxy:AllowedNetworks: '10.0.0.0/99' is not a network in CIDR notation (e.g. 10.0.0.0/8)",
            "Proxy:ConnectTimeout: must be positive, was 00:00:00",
            "Proxy:IdleTimeout: must be positive, was -00:00:01",
            "Operations:BindAddress (--operations-bind-address): 'anywhere' is not an IP address",
            "Operations:Port (--operations-port): -1 is not a port number (1-65535, or 0: the listener is off)",
            "Audit:Path (--audit-log-path): ' ' is not a file path; give one, or - for standard output",
            "Audit:MaxSizeMegabytes (--audit-log-maxsize): must be positive, was 0",
            "Audit:MaxBackups (--audit-log-maxbackup): must not be negative, was -1",
            "Audit:QueueCapacity: must be positive, was 0",
            "Tls:ReloadInterval: must be positive, was 00:00:00",
            "Limits:MaxStreams: must be positive, was 0",
            "Limits:MaxStreamsPerUser: must be positive, was 0",
            "Limits:MaxRequestBodySize: must be positive, was 0",
            "Limits:MaxRequestHeadersTotalSize: must be at least 1024, was 100",
            "Limits:Http2MaxStreamsPerConnection: must be positive, was 0",
            "Shutdown:ReadinessGracePeriod: must not be negative, was -00:00:01",
            "Shutdown:DrainPeriod: must be at most 49.00:00:00, was 50.00:00:00",
            "Tracing:OtlpEndpoint (--tracing-otlp-endpoint): 'collector:4318' is not an http or https URL",
            "Tracing:CertificateAuthority (--tracing-otlp-certificate-authority): applies only to an https Tracing:OtlpEndpoint",
            "Tracing:CertificateAuthority (--tracing-otlp-certificate-authority): file '/nonexistent/collector-ca.crt' does not exist",
            "Tracing:SamplingRatio (--tracing-sampling-ratio): must be between 0 and 1, was 1.5",
            "Tracing:ServiceName (--tracing-service-name): must be 1 to 255 characters without control characters, was ' '",
            "Tracing:ExportTimeout: must be positive, was 00:00:00",
        ];
        var missing = expected.Where(message => !failures.Contains(message)).ToList();

        Assert.True(missing.Count == 0, $"missing:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}{Environment.NewLine}reported:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public void StartupValidation_ShutdownPeriodsBeyondTheHostTimer_AreRefusedTogether()
    {
        var failures = StartupFailures(new(StringComparer.Ordinal) { ["Shutdown:ReadinessGracePeriod"] = "30.00:00:00", ["Shutdown:DrainPeriod"] = "30.00:00:00" });

        Assert.Contains("Shutdown:ReadinessGracePeriod: 30.00:00:00 and Shutdown:DrainPeriod 30.00:00:00 must come to at most 49.00:00:00 together, were 60.00:00:00", failures);
    }

    /// <summary>Every problem start-up validation reports for the gateway's options bound from <paramref name="settings"/>.</summary>
    private static List<string> StartupFailures(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddGatewayOptions(configuration).BuildServiceProvider();
        var exception = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());
        return exception switch
        {
            OptionsValidationException single => [.. single.Failures],
            AggregateException all => [.. all.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)],
            _ => [],
        };
    }
}
