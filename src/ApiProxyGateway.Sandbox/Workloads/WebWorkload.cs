using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>
/// <c>workload web</c>: an HTTP and HTTPS echo server on the pod IP. The HTTPS certificate comes from the pod's TLS
/// directory (<c>$SANDBOX_TLS_DIR</c>, written by the runtime); <c>--certificate</c> picks a broken variant instead,
/// for the pods/services proxy tests.
/// </summary>
internal static class WebWorkload
{
    private static readonly string[] Certificates = ["valid", "wrong-name", "expired", "unknown-ca"];

    public static Task<int> RunAsync(WorkloadArguments flags, CancellationToken stopping) => RunAsync(flags, WebRoutes.Map, stopping);

    /// <summary>Serves <paramref name="routes"/> on the web workload's listeners (used by <c>web</c> and <c>hostile</c>).</summary>
    public static async Task<int> RunAsync(WorkloadArguments flags, Action<WebApplication> routes, CancellationToken stopping)
    {
        var httpsPort = flags.Int("https-port", 8443);
        var httpPort = flags.Int("http-port", 8080);
        var certificate = flags.String("certificate", "valid");
        var protocols = flags.Bool("http1-only") ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
        var bind = IPAddress.Parse(flags.String("bind", Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1"));
        flags.RejectUnknown();
        if (!Certificates.Contains(certificate))
        {
            throw new FormatException($"--certificate must be one of {string.Join(", ", Certificates)}");
        }

        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (httpPort > 0)
            {
                kestrel.Listen(bind, httpPort, l => l.Protocols = protocols);
            }

            if (httpsPort > 0)
            {
                var serving = LoadCertificate(certificate);
                kestrel.Listen(bind, httpsPort, l =>
                {
                    l.Protocols = protocols; // with h2, ALPN offers h2 and http/1.1; without, only http/1.1
                    l.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = serving,

                        // Clients may present a certificate (the gateway does); the echo reports who it was.
                        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = static (_, _, _) => true,
                    });
                });
            }
        });

        var app = builder.Build();
        app.UseWebSockets();
        routes(app);
        await app.RunAsync(stopping);
        return 0;
    }

    internal static X509Certificate2 LoadCertificate(string name)
    {
        var directory = Environment.GetEnvironmentVariable("SANDBOX_TLS_DIR") ?? throw new FormatException("SANDBOX_TLS_DIR is not set: HTTPS needs the pod's TLS directory");
        var file = name == "valid" ? "tls" : name;
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, file + ".crt"), Path.Combine(directory, file + ".key"));
    }
}
