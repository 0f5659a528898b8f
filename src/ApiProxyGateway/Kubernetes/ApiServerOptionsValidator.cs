using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Kubernetes;

/// <summary>Checks that the API server and the gateway's credentials for it can be resolved, at start-up.</summary>
internal sealed class ApiServerOptionsValidator : OptionsValidator<ApiServerOptions>
{
    protected override void Check(ApiServerOptions options, SettingErrors errors)
    {
        errors.Duration("ApiServer:ActivityTimeout", options.ActivityTimeout);
        errors.Duration("ApiServer:IdleTimeout", options.IdleTimeout);
        errors.Duration("ApiServer:ConnectionLifetime", options.ConnectionLifetime);
        errors.Duration("ApiServer:ConnectTimeout", options.ConnectTimeout);
        var kubeconfig = new List<string>();
        ApiServerEndpointLoader.Load(options, GatewayFlags.Describe("ApiServer:Kubeconfig"), kubeconfig);
        errors.AddDescribed(kubeconfig);
    }
}
