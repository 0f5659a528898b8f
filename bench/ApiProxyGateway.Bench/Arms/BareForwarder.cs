using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Bench.Arms;

/// <summary>
/// <c>forwarder LISTEN_ADDRESS PKI_DIRECTORY WEB_POD_IP API_SERVER_ADDRESS</c>: the <em>aspnetcore</em> arm, the
/// gateway's own stack with none of the gateway on it. Kestrel requires and verifies the client certificate against the
/// cluster CA (HTTP/1.1 and HTTP/2), and YARP's forwarder re-originates TLS to the upstream (HTTP/2 to both, as the
/// gateway for the benchmark's caller), verifying its CA and name and presenting the gateway's client certificate for it, as nginx and HAProxy do on the same two fronts (on the API
/// server's, Impersonate-User and Impersonate-Group from the client certificate's CN and O). No authentication
/// mapping, authorization, audit, metrics, classification or logging: what the gateway costs above this is what its
/// features cost; this arm's own cost is the floor of ASP.NET Core, YARP and .NET's TLS on this machine.
/// </summary>
internal static class BareForwarder
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args is not [var listen, var pki, var webPodIp, var apiServerAddress])
        {
            await Console.Error.WriteLineAsync("usage: forwarder LISTEN_ADDRESS PKI_DIRECTORY WEB_POD_IP API_SERVER_ADDRESS");
            return 2;
        }

        var clusterCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki, "cluster-ca.crt"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var serving = Topology.Load(Path.Combine(pki, "gateway.crt"), Path.Combine(pki, "gateway.key"));
            foreach (var port in new[] { Topology.WorkloadPort, Topology.ApiServerPort })
            {
                kestrel.Listen(IPAddress.Parse(listen), port, endpoint => endpoint.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serving,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => Verify(certificate, clusterCa, name: null),
                }));
            }
        });

        await using var app = builder.Build();
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var workload = Invoker(pki, "workload-ca.crt", "gateway-workload-client", "web");
        var apiServer = Invoker(pki, "cluster-ca.crt", "gateway-apiserver-client", "kubernetes");
        var impersonating = new ImpersonatingTransformer();

        // Upstream protocols as the gateway's: HTTP/2 to the workload when it offers h2 (as kube-apiserver's proxy
        // transport), and to the API server for a caller with one group besides system:authenticated, as the benchmark's
        // (the gateway sends two groups over HTTP/1.1, one header line each; this arm would join them into one). nginx
        // and HAProxy are configured with HTTP/1.1 keep-alive to both.
        var upstreamHttp2 = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        app.Run(async context =>
        {
            var error = context.Connection.LocalPort == Topology.WorkloadPort
                ? await forwarder.SendAsync(context, $"https://{webPodIp}:8443", workload, upstreamHttp2, HttpTransformer.Empty)
                : await forwarder.SendAsync(context, $"https://{apiServerAddress}:6443", apiServer, upstreamHttp2, impersonating);
            if (error != ForwarderError.None)
            {
                await Console.Error.WriteLineAsync($"forwarding {context.Request.Path} failed: {error}");
            }
        });
        await app.RunAsync();
        return 0;
    }

    private static HttpMessageInvoker Invoker(string pki, string ca, string client, string name)
    {
        var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki, ca));
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [Topology.Load(Path.Combine(pki, client + ".crt"), Path.Combine(pki, client + ".key"))],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 presented && Verify(presented, authority, name),
            },
        });
    }

    /// <summary>The chain to the one trusted CA, and the name when one is given (as nginx's proxy_ssl_name).</summary>
    private static bool Verify(X509Certificate2 certificate, X509Certificate2 authority, string? name)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            return chain.Build(certificate) && (name is null || certificate.MatchesHostname(name));
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>As the nginx and HAProxy arms on the API server's front: the caller's CN and O as impersonation headers.</summary>
    private sealed class ImpersonatingTransformer : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("Authorization");
            if (httpContext.Connection.ClientCertificate is { } certificate)
            {
                proxyRequest.Headers.TryAddWithoutValidation("Impersonate-User", certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
                foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
                {
                    if (rdn.GetSingleElementType().Value == "2.5.4.10" && rdn.GetSingleElementValue() is { } organization)
                    {
                        proxyRequest.Headers.TryAddWithoutValidation("Impersonate-Group", organization);
                    }
                }
            }
        }
    }
}
