using System.Net;
using ApiProxyGateway.Health;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiProxyGateway.Hosting;

internal static class FrontDoor
{
    /// <summary>
    /// The API listener — HTTPS: TLS 1.2/1.3, HTTP/1.1 and HTTP/2 by ALPN, a client certificate requested in the initial
    /// handshake (HTTP/2 cannot renegotiate for one), with the TLS options built per connection from the current
    /// material so rotated certificates apply to new handshakes — and the plain-HTTP operations listener for
    /// metrics and health, whose connections are marked so nothing else is served there.
    /// </summary>
    /// <remarks>
    /// Kestrel reads its options when the application is built, before the options validators run at start-up,
    /// so the listener is described from the raw settings and the TLS material is resolved on first use; a bad
    /// setting is then reported by the validators with all the others.
    /// </remarks>
    public static IServiceCollection AddFrontDoor(this IServiceCollection services, IConfiguration configuration)
    {
        services.Replace(ServiceDescriptor.Singleton<IMemoryPoolFactory<byte>, RecordSizedMemoryPool.Factory>());
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(provider => provider.GetRequiredService<GracefulShutdown>());
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = shutdown.Value.ReadinessGracePeriod + shutdown.Value.DrainPeriod + TimeSpan.FromSeconds(10));
        services.AddOptions<KestrelServerOptions>()
            .Configure<IServiceProvider>((kestrel, provider) =>
            {
                var options = configuration.GetSection(ServingOptions.SectionName).Get<ServingOptions>() ?? new ServingOptions();
                var limits = configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>() ?? new LimitsOptions();
                kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodySize > 0 ? limits.MaxRequestBodySize : null;
                kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(1024, limits.MaxRequestHeadersTotalSize);
                kestrel.Limits.Http2.MaxStreamsPerConnection = Math.Max(1, limits.Http2MaxStreamsPerConnection);
                var address = IPAddress.TryParse(options.BindAddress, out var parsed) ? parsed : IPAddress.Any;
                var port = options.SecurePort is >= 0 and <= 65535 ? options.SecurePort : 0;
                kestrel.AddServerHeader = false;
                kestrel.Listen(address, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        HandshakeTimeout = options.TlsHandshakeTimeout > TimeSpan.Zero ? options.TlsHandshakeTimeout : TimeSpan.FromSeconds(10),
                        OnConnection = _ => ValueTask.FromResult(provider.GetRequiredService<ServingTlsProvider>().CreateServerOptions()),
                    });

                    // Right after the handshake, before anything reads the connection: OpenSSL may free its record
                    // buffers while the connection is quiet.
                    listen.Use(next => connection =>
                    {
                        if (connection.Features.Get<ISslStreamFeature>() is { } tls)
                        {
                            IdleTlsBuffers.Release(tls.SslStream);
                        }

                        return next(connection);
                    });

                    // After TLS: every connection with a client certificate is known until it closes, so one whose
                    // certificate is revoked or expires can be cut even while it carries no request.
                    var sessions = provider.GetRequiredService<LiveSessions>();
                    listen.Use(next => connection => sessions.TrackAsync(connection, next));
                });

                var operations = configuration.GetSection(OperationsOptions.SectionName).Get<OperationsOptions>() ?? new OperationsOptions();
                if (operations.Port > 0 && IPAddress.TryParse(operations.BindAddress, out var operationsAddress))
                {
                    kestrel.Listen(operationsAddress, operations.Port, listen =>
                    {
                        listen.Protocols = HttpProtocols.Http1;
                        OperationsListener.MarkConnections(listen);
                    });
                }
            });
        return services;
    }
}
