using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// A sandbox (by default the default scenario — pod <c>demo/shell</c> on node-a (SPDY only), <c>demo/logger</c> logging a line a
/// second; users admin, developer (logs, exec create) and viewer (logs only) — or the given scenario file) with the
/// real gateway process in front, started with the given extra flags.
/// </summary>
public sealed class ProductionSandbox : IAsyncDisposable
{
    public const string FollowedLog = "/api/v1/namespaces/demo/pods/logger/log?follow=true";

    public const string LogLine = "logger line";

    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;

    private ProductionSandbox(string directory, SandboxHost host)
    {
        _directory = directory;
        Host = host;
    }

    public SandboxHost Host { get; }

    /// <summary>Starts the sandbox and waits until the gateway reports ready (its caches have synced).</summary>
    public static async Task<ProductionSandbox> StartAsync(IReadOnlyList<string> gatewayArguments, CancellationToken cancellationToken, string? scenarioFile = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "apg-prod-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        SandboxHost? host = null;
        try
        {
            host = await TestSandbox.StartAsync(TestSandbox.Options(Path.Combine(directory, "state"), gatewayArguments) with { ScenarioFile = scenarioFile }, cancellationToken);
            return new ProductionSandbox(directory, host);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public HttpMessageInvoker Invoker(string user) => GatewayClients.Invoker(Host, user);

    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery) => GatewayClients.Request(Host, method, pathAndQuery);

    /// <summary>A client of the plain-HTTP operations listener (<c>/metrics</c>, <c>/livez</c>, <c>/readyz</c>).</summary>
    public HttpClient Operations() => new() { BaseAddress = Host.AddressPlan.GatewayOperationsUrl, Timeout = TimeSpan.FromSeconds(10) };

    public string PodUid(string ns, string name) =>
        Host.Store.Typed.Get<k8s.Models.V1Pod>(ns, name)?.Metadata.Uid ?? throw new InvalidOperationException($"no pod {ns}/{name}");

    /// <summary><c>logs -f</c> of demo/logger; the response is returned once its headers arrive, the body streams.</summary>
    public async Task<HttpResponseMessage> FollowLogAsync(HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        using var request = Request(HttpMethod.Get, FollowedLog);
        return await invoker.SendAsync(request, cancellationToken);
    }

    /// <summary>Asks for a followed log until it is served (a closed stream's slot is freed asynchronously).</summary>
    public async Task<HttpResponseMessage> FollowLogWhenServedAsync(HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        HttpResponseMessage? served = null;
        await TestWait.UntilAsync(async token =>
        {
            var response = await FollowLogAsync(invoker, token);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                served = response;
                return true;
            }

            response.Dispose();
            return false;
        }, "a followed log is served (not 429)", PollTimeout, cancellationToken);
        return served!; // set when the wait succeeds
    }

    /// <summary>Scrapes <c>/metrics</c> until <paramref name="condition"/> holds (exports are collected periodically).</summary>
    public async Task<string> ScrapeUntilAsync(Func<string, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var operations = Operations();
        var text = "";
        await TestWait.UntilAsync(async token => condition(text = await operations.GetStringAsync("/metrics", token)), "/metrics shows the awaited series", PollTimeout, cancellationToken);
        return text;
    }

    /// <summary>The audit events written so far (the writer is asynchronous: poll with <see cref="AuditEventsUntilAsync"/>).</summary>
    public IReadOnlyList<JsonObject> AuditEvents()
    {
        if (!File.Exists(Host.AuditLogPath))
        {
            return [];
        }

        using var stream = new FileStream(Host.AuditLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    /// <summary>Polls the audit log until the events that match <paramref name="filter"/> satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<JsonObject>> AuditEventsUntilAsync(Func<JsonObject, bool> filter, Func<IReadOnlyList<JsonObject>, bool> done, CancellationToken cancellationToken)
    {
        IReadOnlyList<JsonObject> found = [];
        await TestWait.UntilAsync(_ => Task.FromResult(done(found = [.. AuditEvents().Where(filter)])), "the audit log has the awaited events", PollTimeout, cancellationToken);
        return found;
    }

    /// <summary>Whether the gateway's API port accepts a TCP connection now (false once its listener has closed).</summary>
    public async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient(Host.AddressPlan.GatewayEndPoint.AddressFamily);
        try
        {
            await client.ConnectAsync(Host.AddressPlan.GatewayEndPoint, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
