using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Egress;

/// <summary>
/// The egress of each kind of upstream, from <c>--egress-selector-config-file</c> as kube-apiserver reads it: the
/// <c>cluster</c> selection for kubelets and pods/services/nodes proxy targets, <c>controlplane</c> for the API
/// server. A selection the file does not name, or no file at all, means direct connections, as before.
/// </summary>
internal sealed class EgressSelector : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public EgressSelector(IOptions<EgressOptions> options, ReloadRegistry registry, CertificateInventory inventory, GatewayMetrics metrics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("ApiProxyGateway.Egress");
        IEgressDialer cluster = DirectDialer.Instance, controlPlane = DirectDialer.Instance;
        var file = options.Value.SelectorConfigFile;
        if (!string.IsNullOrWhiteSpace(file))
        {
            // EgressOptionsValidator reported every problem at start-up; the file is read and checked again as it is
            // now, so that nothing invalid is ever taken for a direct connection.
            var (configuration, errors) = EgressConfigurationReader.Read(file);
            if (configuration is not null)
            {
                errors = EgressConfigurationValidation.Validate(configuration, timeProvider.GetUtcNow());
            }

            if (configuration is null || errors.Count > 0)
            {
                throw new InvalidOperationException($"{EgressOptions.SelectorConfigFileSetting}: '{file}': {string.Join("; ", errors)}");
            }

            foreach (var selection in configuration.EgressSelections)
            {
                var name = selection.Name.ToLowerInvariant();
                if (name == EgressSelection.Etcd)
                {
                    EgressLog.SettingIgnored(logger, "the etcd selection", "the gateway never connects to etcd");
                    continue;
                }

                var dialer = Create(name, selection.Connection, registry, inventory, timeProvider, logger);
                if (name == EgressSelection.Cluster)
                {
                    cluster = dialer;
                }
                else
                {
                    controlPlane = dialer;
                }
            }
        }

        Cluster = new EgressRoute(EgressSelection.Cluster, cluster, metrics, timeProvider);
        ControlPlane = new EgressRoute(EgressSelection.ControlPlane, controlPlane, metrics, timeProvider);
        if (!string.IsNullOrWhiteSpace(file))
        {
            EgressLog.Configured(logger, Cluster.Selection, Cluster.Description);
            EgressLog.Configured(logger, ControlPlane.Selection, ControlPlane.Description);
        }
    }

    /// <summary>Kubelets, and every pods/services/nodes proxy target.</summary>
    public EgressRoute Cluster { get; }

    /// <summary>The API server.</summary>
    public EgressRoute ControlPlane { get; }

    public IEnumerable<EgressRoute> Routes => [Cluster, ControlPlane];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private IEgressDialer Create(string selection, EgressConnection connection, ReloadRegistry registry, CertificateInventory inventory, TimeProvider timeProvider, ILogger logger)
    {
        var transport = connection.Transport;
        switch (connection.ProxyProtocol)
        {
            case EgressConnection.HttpConnect when transport is not null:
                return new HttpConnectDialer(Server(selection, transport, registry, inventory, timeProvider), timeProvider);
            case EgressConnection.Grpc when transport?.Uds is { } uds:
                if (transport.Tcp is not null)
                {
                    EgressLog.SettingIgnored(logger, $"the {selection} selection's transport.tcp", "GRPC goes over the UDS only, as in kube-apiserver");
                }

                var dialer = new KonnectivityDialer(new UdsEgressServer(uds.UdsName), timeProvider, logger);
                _owned.Add(dialer);
                return dialer;
            case EgressConnection.Direct:
                return DirectDialer.Instance;
            default:
                throw new InvalidOperationException($"the {selection} selection's connection was not validated: {connection}");
        }
    }

    private static EgressServer Server(string selection, EgressTransport transport, ReloadRegistry registry, CertificateInventory inventory, TimeProvider timeProvider)
    {
        if (transport.Uds is { } uds)
        {
            return new UdsEgressServer(uds.UdsName);
        }

        var tcp = transport.Tcp!; // the validator requires one of the two
        var tls = tcp.TlsConfig!; // and TLS on TCP
        var url = new Uri(tcp.Url);
        var serverName = tls.TlsServerName.Length > 0 ? tls.TlsServerName : url.DnsSafeHost;
        return new TlsEgressServer(url, serverName, new EgressTlsMaterial(selection, tls, registry, inventory, timeProvider), timeProvider);
    }
}
