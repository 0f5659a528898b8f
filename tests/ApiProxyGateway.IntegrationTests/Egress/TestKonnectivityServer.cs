using System.Collections.Concurrent;
using ApiProxyGateway.Protocols.Konnectivity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// A small real Konnectivity ProxyService (gRPC, h2c on a Unix domain socket, on Kestrel), scripted per dial by
/// <see cref="OnDial"/>: forward to the requested TCP address, echo, refuse with a message, never answer, or reset
/// the stream. Every Proxy stream is recorded as a <see cref="TestTunnel"/> through which a test sees what arrived and
/// sends packets of its own (DRAIN, CLOSE_RSP) or ends the stream.
/// </summary>
internal sealed class TestKonnectivityServer : IAsyncDisposable
{
    private WebApplication _app = null!;

    public Func<DialRequest, DialAnswer> OnDial { get; set; } = _ => DialAnswer.Forward;

    /// <summary>Every Proxy stream, in the order they arrived.</summary>
    public ConcurrentQueue<TestTunnel> Tunnels { get; } = new();

    public static async Task<TestKonnectivityServer> StartAsync(string socketPath)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var server = new TestKonnectivityServer();
        builder.Services.AddSingleton(server);
        server._app = builder.Build();
        server._app.MapGrpcService<TestProxyService>();
        await server._app.StartAsync();
        return server;
    }

    /// <summary>Waits until <paramref name="count"/> Proxy streams have arrived and returns the last of them.</summary>
    public async Task<TestTunnel> TunnelAsync(int count)
    {
        await Tests.Support.TestWait.UntilAsync(() => Tunnels.Count >= count, $"{count} Proxy stream(s) reached the Konnectivity server");
        return Tunnels.ElementAt(count - 1);
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping with an already-cancelled token drops the connections at once, as a server that goes away would.
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        await _app.StopAsync(now.Token);
        await _app.DisposeAsync();
    }
}
