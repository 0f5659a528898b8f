using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Kubernetes;
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
        services.AddOptions<AccessReviewOptions>().Bind(configuration.GetSection(AccessReviewOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ClientCertificateAuthenticationOptions>(ClientCertificateAuthenticationDefaults.AuthenticationScheme)
            .Bind(configuration.GetSection(ClientCertificateAuthenticationOptions.SectionName))
            .ValidateOnStart();

        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiServerOptions>, ApiServerOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClientCertificateAuthenticationOptions>, SmallOptionsValidators>();
        services.AddSingleton<IValidateOptions<AccessReviewOptions>, SmallOptionsValidators>();
        return services;
    }
}
