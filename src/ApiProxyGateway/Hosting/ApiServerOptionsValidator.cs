using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Settings;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

/// <summary>Checks that the API server and the gateway's credentials for it can be resolved, at start-up.</summary>
internal sealed class ApiServerOptionsValidator : IValidateOptions<ApiServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.ActivityTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ApiServer:ActivityTimeout: must be positive, was {options.ActivityTimeout}");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ApiServer:IdleTimeout: must be positive, was {options.IdleTimeout}");
        }

        if (options.ConnectionLifetime <= TimeSpan.Zero)
        {
            errors.Add($"ApiServer:ConnectionLifetime: must be positive, was {options.ConnectionLifetime}");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ApiServer:ConnectTimeout: must be positive, was {options.ConnectTimeout}");
        }

        ApiServerEndpointLoader.Load(options, GatewayFlags.Describe("ApiServer:Kubeconfig"), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
