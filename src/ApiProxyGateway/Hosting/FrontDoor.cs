using System.Net;
using ApiProxyGateway.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

internal static class FrontDoor
{
    /// <summary>
    /// One HTTPS listener: TLS 1.2/1.3, HTTP/1.1 and HTTP/2 by ALPN, a client certificate requested in the initial
    /// handshake (HTTP/2 cannot renegotiate for one), with the TLS options built per connection from the current
    /// material so rotated certificates apply to new handshakes.
    /// </summary>
    public static IServiceCollection AddFrontDoor(this IServiceCollection services)
    {
        services.AddSingleton<ServingTlsProvider>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServingOptions>, IServiceProvider>((kestrel, serving, provider) =>
            {
                var options = serving.Value;
                var tls = provider.GetRequiredService<ServingTlsProvider>();
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Parse(options.BindAddress), options.SecurePort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        HandshakeTimeout = options.TlsHandshakeTimeout,
                        OnConnection = _ => ValueTask.FromResult(tls.CreateServerOptions()),
                    });
                });
            });
        return services;
    }
}
