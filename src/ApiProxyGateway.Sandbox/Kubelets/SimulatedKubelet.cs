using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Pki;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// One node's kubelet API on <c>https://127.B.1.N:10250</c>: TLS 1.2/1.3 with the node's serving certificate, client
/// certificates requested (the kubelet-client CA advertised), then per request: the scenario's response delay, x509
/// authentication (401), authorization against the sandbox's RBAC as a SubjectAccessReview would (403), and the route.
/// </summary>
internal sealed class SimulatedKubelet(KubeletContext kubelet, IPEndPoint endPoint, IssuedCredential serving, SandboxPki pki, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ClientCertificateAuthenticator _authenticator = new(pki.KubeletClientCa.Certificate, kubelet.TimeProvider);
    private WebApplication? _app;

    public Uri Url => new($"https://{endPoint}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        var trust = new X509Certificate2Collection(pki.KubeletClientCa.Certificate);
        var context = SslStreamCertificateContext.Create(serving.Certificate, additionalCertificates: null, offline: true, trust: SslCertificateTrust.CreateForX509Collection(trust, sendTrustInHandshake: true));
        var handshakeDelay = kubelet.Settings.HandshakeDelay;
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = kubelet.Runtime.Network.CreateBoundListenSocket); // in the node's network
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    HandshakeTimeout = handshakeDelay + TimeSpan.FromSeconds(10),
                    OnConnection = async connection =>
                    {
                        if (handshakeDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(handshakeDelay, kubelet.TimeProvider, connection.CancellationToken);
                        }

                        return new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = context,
                            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                            ClientCertificateRequired = true,
                            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
#pragma warning disable CA5359 // client certificates are verified per request (401 like the kubelet), not by failing the handshake
                            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                        };
                    },
                });
            });
        });

        var app = builder.Build();
        var handler = new KubeletHandler(kubelet, _authenticator);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
