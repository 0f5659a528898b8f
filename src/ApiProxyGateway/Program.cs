using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Health;
using ApiProxyGateway.Hosting;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Recording;
using ApiProxyGateway.Requests;
using ApiProxyGateway.Revocation;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Tracing;
using ApiProxyGateway.Upstreams;

// Before any HttpClient is used: .NET reads the cap on upstream HTTP/2 stream windows once, from the environment.
Http2StreamWindow.Apply();

// ASP.NET Core's defaults watch appsettings*.json (an inotify instance each, against a per-user limit of 128), and
// AddGatewayConfiguration replaces those sources anyway: the host setting that turns the watches off is given here,
// so that no host of the gateway makes them (the image's DOTNET_ variable never reaches one that tests run in-process);
// first, so that a bare boolean flag at the end of the command line cannot take it for its value.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args], ContentRootPath = AppContext.BaseDirectory });
builder.AddGatewayConfiguration(args);              // appsettings/, APIPROXYGATEWAY_* variables, kube-apiserver-style flags
builder.Services.AddGatewayOptions(builder.Configuration);
builder.Services.AddGatewayTelemetry();            // one meter + framework meters, Prometheus exposition
builder.Services.AddGatewayTracing(builder.Configuration); // no caller's trace context continued or passed on; OTLP spans when --tracing-otlp-endpoint is set
builder.Services.AddTlsMaterial();                  // certificate owners per plane, expiry inventory
builder.Services.AddFrontDoor(builder.Configuration); // Kestrel: TLS 1.2/1.3, h2 + http/1.1, client certificates
builder.Services.AddCertificateRevocation();        // client CRLs and denylist, reloaded like certificates
builder.Services.AddClientCertificateAuthentication();
builder.Services.AddEgress();                       // direct, or through Konnectivity (--egress-selector-config-file)
builder.Services.AddKubernetesApi();                // the API server endpoint, credentials and client
builder.Services.AddUpstreams();                    // verified TLS dialling and the one writer of upstream request heads
builder.Services.AddAccessReviews();                // SubjectAccessReview decisions, cached
builder.Services.AddSessions();                     // open connections and streams, checked again: revocation, re-authorization
builder.Services.AddKubelets();                     // each node's kubelet address, verified connections (chain, name, node identity)
builder.Services.AddPodStreams();                   // logs, exec, attach, port-forward straight from kubelets
builder.Services.AddSessionRecording();             // exec and attach recorded (asciicast, JSON lines), with retention
builder.Services.AddProxySubresources();            // pods/services/nodes proxy over verified TLS
builder.Services.AddApiServerPassThrough();         // YARP forwarding with impersonation
builder.Services.AddGatewayHealth();                // livez/readyz/healthz checks
builder.Services.AddGatewayAudit();                 // audit.k8s.io/v1 events, written off the request path

var app = builder.Build();

// Middleware order: the operations listener's own small pipeline (metrics, health) branches off first; on the API
// port, with tracing on, a caller's own trace is linked from the request's span; errors become Status bodies, requests are measured, asked to move to another replica while this one shuts
// down (refused with 429 once its listener has closed), audited, then classified once from the raw target as
// kube-apiserver would read it (ambiguous ones are refused), the client certificate is authenticated, an
// authenticated caller is required, and the classification picks the handler: the gateway's own routes, else the
// pass-through to the API server.
app.UseOperationsEndpoints();
app.UseIncomingTraceContext();
app.UseKubernetesStatusForUnhandledErrors();
app.UseRequestMetrics();
app.UseShutdownRequests();
app.UseAudit();
app.UseRequestClassification();
app.UseAuthentication();
app.UseAuthenticatedCallers();
app.UseWebSockets();
app.MapPodStreams();
app.MapProxySubresources();
app.RunApiServerPassThrough();

return await GatewayHost.RunAsync(app, args);
