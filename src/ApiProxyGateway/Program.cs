using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Hosting;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Streaming;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddGatewayConfiguration(args);              // appsettings/, APIPROXYGATEWAY_* variables, kube-apiserver-style flags
builder.Services.AddGatewayOptions(builder.Configuration);
builder.Services.AddFrontDoor(builder.Configuration); // Kestrel: TLS 1.2/1.3, h2 + http/1.1, client certificates
builder.Services.AddClientCertificateAuthentication();
builder.Services.AddKubernetesApi();                // the API server endpoint, credentials and client
builder.Services.AddAccessReviews();                // SubjectAccessReview decisions, cached
builder.Services.AddPodStreams();                   // logs, exec, attach, port-forward straight from kubelets
builder.Services.AddApiServerPassThrough();         // YARP forwarding with impersonation

var app = builder.Build();

// Middleware order: errors become Status bodies; authenticate the client certificate; require an authenticated
// caller on every endpoint; then the endpoints, most specific first.
app.UseKubernetesStatusForUnhandledErrors();
app.UseAuthentication();
app.UseAuthorization();
app.UseWebSockets();
app.MapPodStreams();
app.MapApiServerPassThrough();

return await GatewayHost.RunAsync(app);
