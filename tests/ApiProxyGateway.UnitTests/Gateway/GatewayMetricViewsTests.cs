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

    /// <summary>
    /// The framework's active-request gauges are measured twice per request (about 1% of a proxied request's CPU);
    /// they are not exported, the gateway's own gauge (read when scraped) says how many requests are in progress,
    /// and the outgoing connection count stays.
    /// </summary>
    [Fact]
    public void Select_PerRequestActiveGauges_AreDroppedAndTheGatewaysOwnCountsRequestsInProgress()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = host.GetRequiredService<IMeterFactory>();
        var views = new GatewayMetricViews(factory);
        using var processWide = new Meter("System.Net.Http.ForThisTest");
        var metrics = new GatewayMetrics(factory);
        long? active = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == "apiproxygateway.requests.active")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => active = value);
        listener.Start();

        metrics.RequestStarted();
        metrics.RequestStarted();
        metrics.RequestCompleted("pods-proxy", "GET", 200, TimeSpan.FromMilliseconds(1));
        listener.RecordObservableInstruments();

        Assert.Same(MetricStreamConfiguration.Drop, views.Select(processWide.CreateUpDownCounter<long>("http.client.active_requests")));
        Assert.Same(MetricStreamConfiguration.Drop, views.Select(processWide.CreateUpDownCounter<long>("http.server.active_requests")));
        Assert.NotSame(MetricStreamConfiguration.Drop, views.Select(processWide.CreateUpDownCounter<long>("http.client.open_connections")));
        Assert.Equal(1, active);
    }
}
