using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Pki;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// The simulated kube-apiserver's Kestrel host on <c>127.B.0.1:6443</c>: TLS 1.2/1.3, HTTP/1.1 and HTTP/2, client
/// certificates requested in the handshake with the cluster CA advertised (so Go clients send theirs). It can be
/// stopped and started again on the same address; state lives in the shared <see cref="ApiServerContext"/>.
/// </summary>
internal sealed class SimulatedApiServer(ApiServerContext context, SandboxPki pki, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ApiProxyGateway.Sandbox.ApiServer");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;

    public bool IsRunning => _app is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_app is not null)
            {
                return;
            }

            var app = Build();
            await app.StartAsync(cancellationToken);
            _app = app;
            ApiServerLog.Listening(_logger, context.Plan.ApiServerUrl);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops listening and ends every open request and watch (clients see the connection close).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_app is not { } app)
            {
                return;
            }

            _app = null;
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
            ApiServerLog.Stopped(_logger);
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

    private WebApplication Build()
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var trust = new X509Certificate2Collection(pki.ClusterCa.Certificate);
        var serverContext = SslStreamCertificateContext.Create(
            pki.ApiServer.Certificate, additionalCertificates: null, offline: true, trust: SslCertificateTrust.CreateForX509Collection(trust, sendTrustInHandshake: true));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(context.Plan.ApiServerEndPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = serverContext,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificateRequired = true,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        // Any client certificate may complete the handshake: the authenticator checks it against the
                        // cluster CA and answers 401 like kube-apiserver, instead of failing the handshake.
#pragma warning disable CA5359 // this validates *client* certificates, which ClientCertificateAuthenticator verifies per request
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                    }),
                });
            });
        });

        var app = builder.Build();
        var handler = new ApiServerHandler(context, new ClientCertificateAuthenticator(pki.ClusterCa.Certificate, context.TimeProvider), _logger);
        var stopping = app.Lifetime.ApplicationStopping;
        app.Run(async http =>
        {
            try
            {
                await handler.HandleAsync(http, stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                ApiServerLog.Unhandled(_logger, e, http.Request.Method, http.Request.Path);
                if (!http.Response.HasStarted)
                {
                    await ApiResponses.WriteStatusAsync(http, 500, "InternalError", "Internal error occurred: the sandbox failed to serve this request");
                }
            }
        });
        return app;
    }
}
