using System.Diagnostics.Metrics;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>Egress selectors built the way the gateway builds them: from an EgressSelectorConfiguration file, validated first.</summary>
internal static class TestEgress
{
    /// <summary>Writes a v1beta1 file with <paramref name="selections"/> (the YAML list items) into <paramref name="directory"/>.</summary>
    public static string WriteConfiguration(string directory, string selections)
    {
        var file = Path.Combine(directory, $"egress-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, $"""
            apiVersion: apiserver.k8s.io/v1beta1
            kind: EgressSelectorConfiguration
            egressSelections:
            {selections}
            """);
        return file;
    }

    /// <summary>One selection's YAML list item.</summary>
    public static string Selection(string name, string protocol, string transport) => $"""
        - name: {name}
          connection:
            proxyProtocol: {protocol}
            transport: {transport}
        """;

    public static EgressSelector Selector(string file, ReloadRegistry? registry = null)
    {
        var options = new EgressOptions { SelectorConfigFile = file };
        var validation = new EgressOptionsValidator(TimeProvider.System).Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        var metrics = new GatewayMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        return new EgressSelector(Options.Create(options), registry ?? new ReloadRegistry(), new CertificateInventory(metrics, TimeProvider.System), metrics, TimeProvider.System, NullLoggerFactory.Instance);
    }
}
