using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// The default sandbox (pod <c>demo/web</c>, HTTP/2 on 8443, HTTP/1.1 on 8080) behind the real gateway, plain http
/// allowed in <c>demo</c>, and a direct line to the web workload to ask what an upload has brought it so far, past
/// the gateway, so the asking cannot move the upload's bytes along.
/// </summary>
public sealed class ProxyUploadFixture : IAsyncLifetime
{
    private HttpClient _workload = null!;

    public ProductionSandbox Sandbox { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        Sandbox = await ProductionSandbox.StartAsync(["--Proxy:PlainHttpNamespaces:0=demo"], deadline);
        string? address = null;
        await TestWait.UntilAsync(
            _ => Task.FromResult((address = Sandbox.Host.Store.Typed.Get<k8s.Models.V1Pod>("demo", "web")?.Status?.PodIP) is not null),
            "pod demo/web has an address",
            TestWait.OperationTimeout,
            deadline);
        _workload = new HttpClient { BaseAddress = new Uri($"http://{address}:8080"), Timeout = TimeSpan.FromSeconds(10) };
        await TestWait.UntilReachableAsync(
            async token =>
            {
                using var response = await _workload.GetAsync(new Uri("/healthz", UriKind.Relative), token);
                return response.StatusCode == HttpStatusCode.OK;
            },
            $"pod demo/web answers on {_workload.BaseAddress}",
            TestWait.OperationTimeout,
            deadline);
    }

    /// <summary>What the web workload has received of upload <paramref name="id"/> (<c>bytes</c>, <c>protocol</c>, <c>complete</c>); null before it began.</summary>
    public async Task<JsonNode?> UploadAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _workload.GetAsync(new Uri($"/uploads/{id}", UriKind.Relative), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _workload?.Dispose();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }
}
