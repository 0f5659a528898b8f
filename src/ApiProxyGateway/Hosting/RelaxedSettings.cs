using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Tracing;
using Microsoft.Extensions.Options;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Hosting;

/// <summary>
/// Every setting that makes the gateway less strict than its defaults must be chosen explicitly — and is
/// logged at start-up, so it never goes unnoticed.
/// </summary>
internal static partial class RelaxedSettings
{
    public static void Log(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway.Hosting");
        var kubelet = services.GetRequiredService<IOptions<KubeletOptions>>().Value;
        var proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var tracing = services.GetRequiredService<IOptions<TracingOptions>>().Value;
        if (kubelet.DisableNodeIdentityValidation)
        {
            Relaxed(logger, "Kubelet:DisableNodeIdentityValidation", "kubelet certificates are not checked for CN=system:node:<node> (chain and address still are)");
        }

        if (proxy.AllowedNetworks.Count > 0)
        {
            Relaxed(logger, "Proxy:AllowedNetworks", $"proxy targets may also be in {string.Join(", ", proxy.AllowedNetworks)}");
        }

        if (proxy.PlainHttpNamespaces.Count > 0)
        {
            Relaxed(logger, "Proxy:PlainHttpNamespaces", $"pods and services in {string.Join(", ", proxy.PlainHttpNamespaces)} may be proxied over plain http, without integrity");
        }

        if (proxy.AllowNodeStreamingEndpoints)
        {
            Relaxed(logger, "Proxy:AllowNodeStreamingEndpoints", "kubelet exec/attach/portForward/run/containerLogs are reachable through nodes/proxy");
        }

        if (proxy.AllowNodeCheckpoint)
        {
            Relaxed(logger, "Proxy:AllowNodeCheckpoint", "the kubelet's checkpoint endpoint is reachable through nodes/proxy (for callers with nodes/checkpoint)");
        }

        if (proxy.AllowNodeLogQuery)
        {
            Relaxed(logger, "Proxy:AllowNodeLogQuery", "the kubelet's node log query is reachable through nodes/proxy (for callers with nodes/log)");
        }

        if (tracing.OtlpEndpoint.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
        {
            Relaxed(logger, "Tracing:OtlpEndpoint", "spans (with user names, namespaces and upstream addresses) go to the collector over plain http, without encryption or integrity");
        }
    }

    [LoggerMessage(EventIds.RelaxedSetting, LogLevel.Warning, "Less strict than the default: {Setting}: {Effect}")]
    private static partial void Relaxed(ILogger logger, string setting, string effect);
}
