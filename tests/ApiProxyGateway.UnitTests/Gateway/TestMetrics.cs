using System.Diagnostics.Metrics;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>A real <see cref="GatewayMetrics"/> on the framework's meter factory, for classes that record metrics.</summary>
internal static class TestMetrics
{
    public static GatewayMetrics Create() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
