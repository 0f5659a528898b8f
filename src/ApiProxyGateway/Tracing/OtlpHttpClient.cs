using System.Net.Security;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Tracing;

/// <summary>
/// The exporter's connection to the collector. An https endpoint is verified like any TLS server, certificate chain
/// and name, against <see cref="TracingOptions.CertificateAuthority"/> alone when it is set, else the system's
/// trusted roots; there is no way to skip it. No proxy, no redirects, and no trace context on its own requests.
/// </summary>
internal static class OtlpHttpClient
{
    public static HttpClient Create(TracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ActivityHeadersPropagator = null,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (options.CertificateAuthority.Length > 0)
        {
            // Checked at start-up by the validator; read again here, when the exporter first connects.
            var authorities = PemFiles.LoadBundle(options.CertificateAuthority).Value
                ?? throw new InvalidOperationException($"Tracing:CertificateAuthority '{options.CertificateAuthority}' could not be loaded");
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = UpstreamTls.CreateChainPolicy(authorities, now: null),
                RemoteCertificateValidationCallback = static (_, _, _, errors) => errors == SslPolicyErrors.None,
            };
        }

        return new HttpClient(handler) { Timeout = options.ExportTimeout };
    }
}
