using System.Diagnostics.Metrics;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>The gateway exports its own host's instruments and the process-wide ones, never another host's.</summary>
public sealed class GatewayMetricViewsTests
{
    [Fact]
    public void Select_AnotherHostsInstrument_IsDropped()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherHost = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var views = new GatewayMetricViews(host.GetRequiredService<IMeterFactory>());
        var meter = otherHost.GetRequiredService<IMeterFactory>().Create(GatewayMetrics.MeterName);

        Assert.Same(MetricStreamConfiguration.Drop, views.Select(meter.CreateCounter<long>("apiproxygateway.certificate.reloads")));
        Assert.Same(MetricStreamConfiguration.Drop, views.Select(meter.CreateHistogram<double>("http.client.request.duration")));
    }

    [Fact]
    public void Select_ThisHostsAndProcessWideInstruments_AreExportedWithTheirViews()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var views = new GatewayMetricViews(host.GetRequiredService<IMeterFactory>());
        var meter = host.GetRequiredService<IMeterFactory>().Create(GatewayMetrics.MeterName);
        using var processWide = new Meter("System.Runtime.ForThisTest");

        Assert.Null(views.Select(meter.CreateCounter<long>("apiproxygateway.certificate.reloads")));
        Assert.Equal("dotnet.assemblies.loaded", views.Select(processWide.CreateCounter<long>("dotnet.assembly.count"))?.Name);
        Assert.DoesNotContain("server.address", views.Select(meter.CreateHistogram<double>("http.client.request.duration"))?.TagKeys ?? ["server.address"]);
    }
}
