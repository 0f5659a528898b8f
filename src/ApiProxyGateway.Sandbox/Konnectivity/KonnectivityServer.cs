using Microsoft.AspNetCore.Server.Kestrel.Core;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// A simulated konnectivity-server (apiserver-network-proxy) in two Kestrel hosts: the frontend for diallers (gRPC over
/// h2c and HTTP CONNECT on a Unix domain socket, both again on TCP with mutual TLS) and the backend where agents connect
/// (gRPC with mutual TLS). It can be stopped ("server down": every stream is told DRAIN and ends, the socket is removed)
/// and started again; agents reconnect on their own.
/// </summary>
internal sealed class KonnectivityServer(KonnectivityServerOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ApiProxyGateway.Sandbox.Konnectivity");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Running? _running;

    public KonnectivityServerOptions Options => options;

    public bool IsRunning => _running is not null;

    /// <summary>The nodes whose agents are connected now (empty while stopped).</summary>
    public IReadOnlyList<string> ConnectedNodes => _running?.Router.ConnectedNodes ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_running is not null)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(options.UdsPath)!); // ! an absolute socket path always has a directory
            File.Delete(options.UdsPath); // a socket file left by a killed run would make the bind fail
            var stopping = new CancellationTokenSource();
            var router = new TunnelRouter(options, _logger);
            var lifetime = new KonnectivityServerLifetime(options.ServerId, stopping.Token);
            var frontend = Build(router, lifetime, ListenFrontend, app => app.MapGrpcService<ProxyFrontendService>());
            var backend = Build(router, lifetime, ListenBackend, app => app.MapGrpcService<AgentBackendService>());
            try
            {
                await frontend.StartAsync(cancellationToken);
                await backend.StartAsync(cancellationToken);
            }
            catch
            {
                await frontend.DisposeAsync();
                await backend.DisposeAsync();
                stopping.Dispose();
                throw;
            }

            _running = new Running(frontend, backend, router, stopping);
            KonnectivityLog.Listening(_logger, options.UdsPath, options.FrontendEndPoint is { } tcp ? $"https://{tcp}" : "(no TCP frontend)", $"https://{options.AgentEndPoint}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Tells every open stream DRAIN, ends them all (a dialler's when it ends its side or the drain period is over),
    /// stops listening and removes the socket.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_running is not { } running)
            {
                return;
            }

            _running = null;
            await running.Stopping.CancelAsync();

            // Both at once: until the backend has stopped, agents could open new streams on their old connections.
            await Task.WhenAll(running.Frontend.StopAsync(cancellationToken), running.Backend.StopAsync(cancellationToken));
            await running.Frontend.DisposeAsync();
            await running.Backend.DisposeAsync();

            running.Stopping.Dispose();
            File.Delete(options.UdsPath);
            KonnectivityLog.Stopped(_logger);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _gate.Dispose();
    }

    private void ListenFrontend(KestrelServerOptions kestrel, TunnelRouter router, KonnectivityServerLifetime lifetime)
    {
        var sniffer = HttpConnectFrontend.Middleware(router, lifetime, _logger);
        kestrel.ListenUnixSocket(options.UdsPath, listen =>
        {
            listen.Protocols = HttpProtocols.Http2; // h2c with prior knowledge, as gRPC over a socket is spoken
            listen.Use(sniffer);
        });
        if (options.FrontendEndPoint is { } endPoint)
        {
            kestrel.Listen(endPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2; // ALPN h2 for gRPC; HTTP CONNECT clients may offer none
                listen.UseHttps(KonnectivityTls.Server(options.ServerCertificate, options.ClientCa, options.TimeProvider));
                listen.Use(sniffer);
            });
        }
    }

    private void ListenBackend(KestrelServerOptions kestrel, TunnelRouter router, KonnectivityServerLifetime lifetime) =>
        kestrel.Listen(options.AgentEndPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(KonnectivityTls.Server(options.ServerCertificate, options.ClientCa, options.TimeProvider));
        });

    private WebApplication Build(TunnelRouter router, KonnectivityServerLifetime lifetime, Action<KestrelServerOptions, TunnelRouter, KonnectivityServerLifetime> listen, Action<WebApplication> map)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // By then every stream has ended (a dialler's at the latest when the drain period is over): only idle connections are left.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainPeriod + TimeSpan.FromSeconds(1));
        builder.Services.AddSingleton(options);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton(router);
        builder.Services.AddSingleton(lifetime);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen(kestrel, router, lifetime);
        });
        var app = builder.Build();
        map(app);
        return app;
    }

    private sealed record Running(WebApplication Frontend, WebApplication Backend, TunnelRouter Router, CancellationTokenSource Stopping);
}
