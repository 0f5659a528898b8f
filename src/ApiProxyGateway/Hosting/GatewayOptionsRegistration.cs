using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Health;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Recording;
using ApiProxyGateway.Revocation;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Tracing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

internal static class GatewayOptionsRegistration
{
    /// <summary>
    /// Binds every options section and validates it when the host starts, all problems reported together. Each
    /// section's validator lives beside its options in the feature that uses them; only Hosting reads configuration.
    /// </summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidated<ServingOptions, ServingOptionsValidator>(configuration, ServingOptions.SectionName);
        services.AddValidated<ApiServerOptions, ApiServerOptionsValidator>(configuration, ApiServerOptions.SectionName);
        services.AddValidated<KubeletOptions, KubeletOptionsValidator>(configuration, KubeletOptions.SectionName);
        services.AddValidated<StreamingOptions, StreamingOptionsValidator>(configuration, StreamingOptions.SectionName);
        services.AddValidated<OperationsOptions, OperationsOptionsValidator>(configuration, OperationsOptions.SectionName);
        services.AddValidated<AuditOptions, AuditOptionsValidator>(configuration, AuditOptions.SectionName);
        services.AddValidated<ReloadOptions, ReloadOptionsValidator>(configuration, ReloadOptions.SectionName);
        services.AddValidated<LimitsOptions, LimitsOptionsValidator>(configuration, LimitsOptions.SectionName);
        services.AddValidated<ShutdownOptions, ShutdownOptionsValidator>(configuration, ShutdownOptions.SectionName);
        services.AddValidated<ProxyOptions, ProxyOptionsValidator>(configuration, ProxyOptions.SectionName);
        services.AddValidated<AccessReviewOptions, AccessReviewOptionsValidator>(configuration, AccessReviewOptions.SectionName);
        services.AddValidated<ClientCertificateAuthenticationOptions, ClientCertificateAuthenticationOptionsValidator>(
            configuration, ClientCertificateAuthenticationOptions.SectionName, ClientCertificateAuthenticationDefaults.AuthenticationScheme);
        services.AddValidated<EgressOptions, EgressOptionsValidator>(configuration, EgressOptions.SectionName);
        services.AddValidated<RevocationOptions, RevocationOptionsValidator>(configuration, RevocationOptions.SectionName);
        services.AddValidated<SessionGuardOptions, SessionGuardOptionsValidator>(configuration, SessionGuardOptions.SectionName);
        services.AddValidated<RecordingOptions, RecordingOptionsValidator>(configuration, RecordingOptions.SectionName);
        services.AddValidated<TracingOptions, TracingOptionsValidator>(configuration, TracingOptions.SectionName);
        return services;
    }

    private static void AddValidated<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section, string? name = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>(name ?? Options.DefaultName).Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
