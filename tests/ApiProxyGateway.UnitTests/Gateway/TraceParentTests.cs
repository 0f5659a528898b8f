using System.Diagnostics;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tracing;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>A caller's <c>traceparent</c> is read strictly (W3C level 1, version 00) before it may become a link.</summary>
public sealed class TraceParentTests
{
    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", false)]
    public void TryParse_WellFormed_GivesTheRemoteContextAndItsSampledFlag(string value, bool sampled)
    {
        Assert.True(TraceParent.TryParse(value, out var context));

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
        Assert.Equal(sampled, context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.True(context.IsRemote);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")] // upper case
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // another version
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // zero trace id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // zero span id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1")]
    [InlineData("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01")]
    [InlineData("00-0af7651916cd43dd8448eb211c8031\r\n-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01")]
    public void TryParse_AnythingElse_IsNotATraceContext(string? value)
    {
        Assert.False(TraceParent.TryParse(value, out var context));
        Assert.Equal(default, context);
    }

    [Fact]
    public void Propagator_ExtractsNothingFromACaller()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["tracestate"] = "vendor=x",
            ["baggage"] = "user=someone",
        };
        DistributedContextPropagator.PropagatorGetterCallback getter = (_, name, out value, out values) =>
        {
            values = null;
            value = headers.GetValueOrDefault(name);
        };

        GatewayTracePropagator.Instance.ExtractTraceIdAndState(headers, getter, out var traceId, out var traceState);

        Assert.Null(traceId);
        Assert.Null(traceState);
        Assert.Null(GatewayTracePropagator.Instance.ExtractBaggage(headers, getter));
    }

    [Fact]
    public void Propagator_InjectsNothingForAnActivityThatIsNotTheGateways()
    {
        // An activity as ASP.NET Core makes one for its log scopes when nothing listens (tracing off).
        using var scope = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
        using var child = new Activity("System.Net.Http.HttpRequestOut").Start();
        var injected = new List<string>();

        GatewayTracePropagator.Instance.Inject(child, injected, (carrier, name, value) => ((List<string>)carrier!).Add($"{name}: {value}"));

        Assert.Empty(injected);
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("https://collector.example:4318/", "https://collector.example:4318/v1/traces")]
    [InlineData("https://gateway.example/otlp", "https://gateway.example/otlp/v1/traces")]
    public void TracesUri_IsTheEndpointWithTheSignalPath(string endpoint, string expected) =>
        Assert.Equal(new Uri(expected), new TracingOptions { OtlpEndpoint = endpoint }.TracesUri());
}
