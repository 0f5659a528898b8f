using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Health;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

internal static class GatewayOptionsRegistration
{
    /// <summary>Binds every options section and validates it when the host starts, all problems reported together.</summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ApiServerOptions>().Bind(configuration.GetSection(ApiServerOptions.SectionName)).ValidateOnStart();
        services.AddOptions<KubeletOptions>().Bind(configuration.GetSection(KubeletOptions.SectionName)).ValidateOnStart();
        services.AddOptions<StreamingOptions>().Bind(configuration.GetSection(StreamingOptions.SectionName))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.StreamCreationTimeout > TimeSpan.Zero, "Streaming:IdleTimeout and Streaming:StreamCreationTimeout must be positive")
            .ValidateOnStart();
        services.AddOptions<OperationsOptions>().Bind(configuration.GetSection(OperationsOptions.SectionName))
            .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), "Operations:BindAddress (--operations-bind-address): must be an IP address")
            .Validate(o => o.Port is >= 0 and <= 65535, "Operations:Port (--operations-port): must be a port number (0 disables the listener)")
            .ValidateOnStart();
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Audit:Path (--audit-log-path): a file path, or - for standard output")
            .Validate(o => o.MaxSizeMegabytes > 0 && o.MaxBackups >= 0 && o.QueueCapacity > 0, "Audit:MaxSizeMegabytes (--audit-log-maxsize) and Audit:QueueCapacity must be positive, Audit:MaxBackups (--audit-log-maxbackup) not negative")
            .ValidateOnStart();
        services.AddOptions<ReloadOptions>().Bind(configuration.GetSection(ReloadOptions.SectionName))
            .Validate(o => o.ReloadInterval > TimeSpan.Zero, "Tls:ReloadInterval: must be positive")
            .ValidateOnStart();
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.SectionName))
            .Validate(o => o.MaxStreams > 0 && o.MaxStreamsPerUser > 0 && o.MaxRequestBodySize > 0 && o.MaxRequestHeadersTotalSize >= 1024 && o.Http2MaxStreamsPerConnection > 0,
                "Limits: MaxStreams, MaxStreamsPerUser, MaxRequestBodySize and Http2MaxStreamsPerConnection must be positive, MaxRequestHeadersTotalSize at least 1024")
            .ValidateOnStart();
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.SectionName))
            .Validate(o => o.ReadinessGracePeriod >= TimeSpan.Zero && o.DrainPeriod >= TimeSpan.Zero, "Shutdown:ReadinessGracePeriod and Shutdown:DrainPeriod must not be negative")
            .ValidateOnStart();
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOptions<AccessReviewOptions>().Bind(configuration.GetSection(AccessReviewOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ClientCertificateAuthenticationOptions>(ClientCertificateAuthenticationDefaults.AuthenticationScheme)
            .Bind(configuration.GetSection(ClientCertificateAuthenticationOptions.SectionName))
            .ValidateOnStart();

        services.AddOptions<EgressOptions>().Bind(configuration.GetSection(EgressOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EgressOptions>, EgressOptionsValidator>();

        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiServerOptions>, ApiServerOptionsValidator>();
        services.AddSingleton<IValidateOptions<KubeletOptions>, KubeletOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClientCertificateAuthenticationOptions>, SmallOptionsValidators>();
        services.AddSingleton<IValidateOptions<AccessReviewOptions>, SmallOptionsValidators>();
        return services;
    }
}
