using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>
/// Just enough of kube-apiserver for <c>kubectl exec</c> and <c>kubectl port-forward</c>: discovery, one
/// running pod, and the streaming subresources over SPDY/3.1, WebSocket v5 and the SPDY WebSocket tunnel,
/// all served by ApiProxyGateway.Protocols. Real HTTPS with a required client certificate.
/// </summary>
internal sealed class FakeKubeApiServer : IAsyncDisposable
{
    public const string Namespace = "default";
    public const string PodName = "protocols-pod";
    public const int PodPort = 80;

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop = new();

    private FakeKubeApiServer(WebApplication app, int echoPort)
    {
        _app = app;
        EchoPort = echoPort;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>One entry per streaming request: "exec spdy v4.channel.k8s.io", "portforward tunnel ...", ...</summary>
    public ConcurrentQueue<string> StreamingRequests { get; } = new();

    public int EchoPort { get; }

    public CancellationToken Stopping => _stop.Token;

    /// <summary>Starts on a loopback port, serving <paramref name="serving"/> and accepting only <paramref name="client"/>.</summary>
    public static async Task<FakeKubeApiServer> StartAsync(X509Certificate2 serving, X509Certificate2 client, int echoPort)
    {
        var builder = SandboxServers.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            // kubectl speaks HTTP/2 for plain requests and HTTP/1.1 for upgrades.
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serving,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => certificate.Thumbprint == client.Thumbprint,
            });
        }));

        var app = builder.Build();
        var server = new FakeKubeApiServer(app, echoPort);
        app.UseWebSockets();
        server.MapRoutes(app);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }

    private void MapRoutes(WebApplication app)
    {
        app.MapGet("/api", () => Results.Json(new { kind = "APIVersions", versions = new[] { "v1" } }));
        app.MapGet("/apis", () => Results.Json(new { kind = "APIGroupList", apiVersion = "v1", groups = Array.Empty<object>() }));
        app.MapGet("/api/v1", () => Results.Json(new
        {
            kind = "APIResourceList",
            groupVersion = "v1",
            resources = new object[]
            {
                new { name = "pods", singularName = "pod", namespaced = true, kind = "Pod", verbs = new[] { "get", "list" }, shortNames = new[] { "po" } },
                new { name = "pods/exec", singularName = "", namespaced = true, kind = "PodExecOptions", verbs = new[] { "create", "get" } },
                new { name = "pods/portforward", singularName = "", namespaced = true, kind = "PodPortForwardOptions", verbs = new[] { "create", "get" } },
            },
        }));
        app.MapGet($"/api/v1/namespaces/{Namespace}/pods/{PodName}", () => Results.Json(new
        {
            apiVersion = "v1",
            kind = "Pod",
            metadata = new { name = PodName, @namespace = Namespace, uid = "0b5c2b7e-3f9a-4a7e-9a59-1b0f0c9f2d11" },
            spec = new { nodeName = "node-1", containers = new[] { new { name = "main", image = "busybox" } } },
            status = new { phase = "Running" },
        }));
        app.MapMethods($"/api/v1/namespaces/{Namespace}/pods/{PodName}/exec", ["GET", "POST"], ExecAsync);
        app.MapMethods($"/api/v1/namespaces/{Namespace}/pods/{PodName}/portforward", ["GET", "POST"], PortForwardAsync);
    }

    private async Task ExecAsync(HttpContext context)
    {
        var command = context.Request.Query["command"].Select(c => c!).ToArray();
        var options = RemoteCommandOptions.FromQuery(context.Request.Query.SelectMany(q => q.Value.Select(value => KeyValuePair.Create(q.Key, value))));
        if (context.WebSockets.IsWebSocketRequest)
        {
            var protocol = ProtocolNegotiation.Select(context.WebSockets.WebSocketRequestedProtocols, StreamProtocols.RemoteCommandWebSocket);
            if (protocol is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var webSocket = await context.WebSockets.AcceptWebSocketAsync(protocol);
            StreamingRequests.Enqueue($"exec websocket {protocol}");
            await using var remote = await RemoteCommandServer.AcceptWebSocketAsync(webSocket, protocol, options, _stop.Token);
            await HostProcess.RunAsync(command, remote, _stop.Token);
            return;
        }

        await using var session = await UpgradeToSpdyAsync(context, StreamProtocols.RemoteCommandSpdy, "exec");
        if (session is null)
        {
            return;
        }

        var negotiated = context.Response.Headers[StreamProtocols.ProtocolVersionHeader].ToString();
        await using (var spdyRemote = await RemoteCommandServer.AcceptSpdyAsync(session, negotiated, options, TimeSpan.FromSeconds(10), cancellationToken: _stop.Token))
        {
            await HostProcess.RunAsync(command, spdyRemote, _stop.Token);

            // Let kubectl read everything and hang up first (see RemoteCommandServer remarks).
            await WaitQuietlyAsync(session.Completion);
        }
    }

    private async Task PortForwardAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            var protocol = SpdyWebSocketTunnel.SelectProtocol(context.WebSockets.WebSocketRequestedProtocols);
            if (protocol is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            // .NET's WebSocket refuses '/' in a sub-protocol name, and Kestrel would only find out after sending
            // the 101; so the header is set here and the WebSocket itself is created without a sub-protocol.
            context.Response.Headers.SecWebSocketProtocol = protocol;
            var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            StreamingRequests.Enqueue($"portforward tunnel {protocol}");
            await using var tunnelled = SpdySession.CreateServer(SpdyWebSocketTunnel.AsStream(webSocket));
            await ServePortForwardAsync(tunnelled);
            return;
        }

        await using var session = await UpgradeToSpdyAsync(context, [StreamProtocols.PortForwardV1], "portforward");
        if (session is not null)
        {
            await ServePortForwardAsync(session);
        }
    }

    private async Task<SpdySession?> UpgradeToSpdyAsync(HttpContext context, IReadOnlyList<string> supported, string kind)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true } || !string.Equals(context.Request.Headers.Upgrade, StreamProtocols.SpdyUpgrade, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }

        var protocol = ProtocolNegotiation.Select(context.Request.Headers[StreamProtocols.ProtocolVersionHeader], supported);
        if (protocol is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers[StreamProtocols.AcceptedProtocolVersionsHeader] = string.Join(", ", supported);
            return null;
        }

        context.Response.Headers.Upgrade = StreamProtocols.SpdyUpgrade;
        context.Response.Headers[StreamProtocols.ProtocolVersionHeader] = protocol;
        var transport = await upgrade.UpgradeAsync();
        StreamingRequests.Enqueue($"{kind} spdy {protocol}");
        return SpdySession.CreateServer(transport);
    }

    private async Task ServePortForwardAsync(SpdySession session)
    {
        await using var forwarder = PortForwardServer.Start(session);
        var connections = new List<Task>();
        while (await forwarder.AcceptAsync(_stop.Token) is { } pair)
        {
            connections.Add(ForwardPairAsync(pair));
        }

        await Task.WhenAll(connections);
    }

    private async Task ForwardPairAsync(PortForwardStreamPair pair)
    {
        await using (pair)
        {
            if (pair.Port != PodPort)
            {
                await pair.WriteErrorAsync($"port {pair.Port} is not open in the test pod", _stop.Token);
                return;
            }

            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, EchoPort, _stop.Token);
            try
            {
                await pair.ForwardAsync(socket, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // kubectl was stopped mid-copy; that ends this connection only.
            }
        }
    }

    private static async Task WaitQuietlyAsync(Task completion)
    {
        try
        {
            await completion.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or SpdyProtocolException)
        {
            // The client is gone or slow; the session is disposed either way.
        }
    }
}
