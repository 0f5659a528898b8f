using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A small API server on real Kestrel and TLS that requires a client certificate from the cluster CA, records
/// what it receives, answers SubjectAccessReviews from a policy, and serves a controllable watch.
/// </summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private TestApiServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Decides SubjectAccessReviews: (user, verb, resource, subresource, name) → allowed. Null answers 500.</summary>
    public Func<SubjectAccessQuestion, bool>? Policy { get; set; } = _ => true;

    /// <summary>When set, the whole <c>status</c> of every SubjectAccessReview answer, overriding <see cref="Policy"/>.</summary>
    public Func<SubjectAccessQuestion, JsonObject>? ReviewStatus { get; set; }

    /// <summary>Completing it releases the second event of the watch at <c>/api/v1/namespaces/demo/pods?watch=true</c>.</summary>
    public TaskCompletionSource ReleaseWatchEvent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<RecordedRequest> Requests => [.. _requests];

    /// <summary>The requests the gateway forwarded for a user (they impersonate); not the gateway's own reads.</summary>
    public IReadOnlyCollection<RecordedRequest> Forwarded => [.. _requests.Where(r => r.Values("Impersonate-User").Length > 0)];

    public List<SubjectAccessQuestion> Questions { get; } = [];

    public static async Task<TestApiServer> StartAsync(X509Certificate2 serverCertificate, X509Certificate2 clientAuthority, HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, clientAuthority),
            });
        }));
        var app = builder.Build();
        var server = new TestApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = ListeningAddress.Of(app);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var certificate = await context.Connection.GetClientCertificateAsync();
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.OrdinalIgnoreCase),
            certificate?.Subject,
            certificate?.Thumbprint,
            context.Request.Protocol));

        if (context.Request.Path == "/readyz")
        {
            await context.Response.WriteAsync("ok");
        }
        else if (context.Request.Path == "/apis/authorization.k8s.io/v1/subjectaccessreviews")
        {
            await AnswerReviewAsync(context);
        }
        else if (context.Request.Query["watch"] == "true" && context.Request.Path == "/api/v1/namespaces/demo/pods")
        {
            await WatchAsync(context);
        }
        else if (context.Request.Query["watch"] == "true")
        {
            // The gateway's own cache watches: stay open and quiet.
            context.Response.ContentType = "application/json";
            await context.Response.Body.FlushAsync();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""");
        }
    }

    private async Task AnswerReviewAsync(HttpContext context)
    {
        var review = await JsonNode.ParseAsync(context.Request.Body);
        var spec = review!["spec"]!;
        var attributes = spec["resourceAttributes"]!;
        var question = new SubjectAccessQuestion(
            (string)spec["user"]!,
            spec["groups"]?.AsArray().Select(g => (string)g!).ToArray() ?? [],
            (string?)attributes["verb"] ?? "",
            (string?)attributes["resource"] ?? "",
            (string?)attributes["subresource"] ?? "",
            (string?)attributes["name"] ?? "",
            (string?)attributes["namespace"] ?? "");
        lock (Questions)
        {
            Questions.Add(question);
        }

        if (ReviewStatus is { } status)
        {
            review["status"] = status(question);
        }
        else if (Policy is { } policy)
        {
            review["status"] = new JsonObject { ["allowed"] = policy(question) };
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(review.ToJsonString());
    }

    private async Task WatchAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Event("first") + "\n");
        await context.Response.Body.FlushAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
        await ReleaseWatchEvent.Task.WaitAsync(stop.Token);
        await context.Response.WriteAsync(Event("second") + "\n");
    }

    private static string Event(string name) => JsonSerializer.Serialize(new
    {
        type = "ADDED",
        @object = new { kind = "Pod", apiVersion = "v1", metadata = new { name, @namespace = "demo" } },
    });
}
