using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

public sealed class WatchHistoryTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "apg-it-" + Guid.NewGuid().ToString("N")[..8]);
    private SandboxHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestSandbox.StartAsync(
        TestSandbox.Options(_stateDirectory, gatewayArguments: null) with { WatchHistoryCapacity = 3 },
        TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    [Fact]
    public async Task Watch_ResourceVersionOlderThanHistory_GetsExpiredErrorEvent()
    {
        var since = _host.Store.ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            _host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}", NamespaceProperty = "demo" } });
        }

        var first = await FirstLineAsync($"/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion={since}");

        var watchEvent = JsonNode.Parse(first!)!;
        Assert.Equal("ERROR", watchEvent["type"]?.GetValue<string>());
        Assert.Equal(410, watchEvent["object"]?["code"]?.GetValue<int>());
        Assert.Equal("Expired", watchEvent["object"]?["reason"]?.GetValue<string>());
        Assert.StartsWith($"too old resource version: {since} (", watchEvent["object"]?["message"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStream()
    {
        var version = _host.Store.ResourceVersion;

        var first = await FirstLineAsync($"/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion={version}&timeoutSeconds=1");

        Assert.Null(first); // the server closed the stream without an event
    }

    private async Task<string?> FirstLineAsync(string path)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var client = _host.CreateApiServerClient("admin");
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellation);
        await using var body = await response.Content.ReadAsStreamAsync(cancellation);
        using var reader = new StreamReader(body);
        return await reader.ReadLineAsync(TestWait.Deadline(TestWait.OperationTimeout, cancellation));
    }
}
