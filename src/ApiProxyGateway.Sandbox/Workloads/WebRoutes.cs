using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>What <c>workload web</c> answers: echoes, bulk bytes, uploads it reports as they arrive, redirects, HTML pages with links (one a gzip bomb), a WebSocket echo, trailers.</summary>
internal static class WebRoutes
{
    /// <summary>What each <c>/uploads/{id}</c> body has brought so far (a test's handful of ids: never pruned).</summary>
    private static readonly ConcurrentDictionary<string, (long Bytes, string Protocol, bool Complete)> Uploads = new(StringComparer.Ordinal);

    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/trailers", async http =>
        {
            // A body and then a trailer, as gRPC ends every call (over HTTP/2 only: HTTP/1.1 trailers need chunking).
            http.Response.DeclareTrailer("X-Checksum");
            await http.Response.WriteAsync("body", http.RequestAborted);
            if (http.Response.SupportsTrailers())
            {
                http.Response.AppendTrailer("X-Checksum", "done");
            }
        });
        app.MapMethods("/echo", ["POST", "PUT"], async http =>
        {
            TakeBodyAtAnyPace(http);
            http.Response.ContentType = http.Request.ContentType ?? "application/octet-stream";
            await http.Request.Body.CopyToAsync(http.Response.Body, http.RequestAborted);
        });
        app.MapPost("/sha256", async http =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            await http.Response.WriteAsync(Convert.ToHexStringLower(hash.GetHashAndReset()), http.RequestAborted);
        });
        app.MapMethods("/uploads/{id}", ["POST", "PUT"], ReceiveUploadAsync);
        app.MapGet("/uploads/{id}", (string id) => Uploads.TryGetValue(id, out var upload)
            ? Results.Json(new JsonObject { ["bytes"] = upload.Bytes, ["protocol"] = upload.Protocol, ["complete"] = upload.Complete })
            : Results.NotFound());
        app.MapGet("/bytes", async http =>
        {
            // Random bytes (at most 64 MiB) with their SHA-256 in a header, so a client can check what came through.
            var count = int.TryParse(http.Request.Query["n"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Min(n, 64 << 20) : 1024;
            var data = RandomNumberGenerator.GetBytes(count);
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = count;
            http.Response.Headers["X-Content-SHA256"] = Convert.ToHexStringLower(SHA256.HashData(data));
            await http.Response.Body.WriteAsync(data, http.RequestAborted);
        });
        app.MapGet("/redirect", (HttpContext http) => Results.Redirect("/"));
        app.MapGet("/redirect-absolute", (HttpContext http) => Results.Redirect($"{http.Request.Scheme}://{http.Request.Host}/"));
        app.MapGet("/page", () => Results.Content(
            """
            <!DOCTYPE html>
            <html><head><title>sandbox web</title><link rel="stylesheet" href="/style.css"></head>
            <body><h1>sandbox web</h1>
            <a href="/echo">absolute link</a> <a href="echo">relative link</a> <a href="https://example.invalid/">external link</a>
            <img src="/images/logo.png"><form action="/submit"></form><script src="/app.js"></script>
            </body></html>
            """,
            "text/html; charset=utf-8"));
        app.MapGet("/gzip-bomb", async http =>
        {
            // A gzip HTML page that inflates to N MiB (at most 1 GiB), compressed as it is written.
            var megabytes = int.TryParse(http.Request.Query["mb"], NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? Math.Min(mb, 1024) : 1;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(http.Response.Body, CompressionLevel.SmallestSize, leaveOpen: true);
            await GzipBombPage.WriteAsync(gzip, megabytes, "", http.RequestAborted);
        });
        app.Map("/ws", EchoWebSocketAsync);
        app.MapFallback(EchoRequestAsync);
    }

    /// <summary>
    /// Takes an upload at any pace (<see cref="TakeBodyAtAnyPace"/>), counting every piece as it arrives for
    /// <c>GET /uploads/{id}</c> to report while the body is still open; the answer, once the body ends, is the same report.
    /// </summary>
    private static async Task ReceiveUploadAsync(HttpContext http)
    {
        TakeBodyAtAnyPace(http);
        var id = (string)http.GetRouteValue("id")!; // the route has the parameter
        var protocol = http.Request.Protocol;
        Uploads[id] = (0, protocol, false);
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            bytes += read;
            Uploads[id] = (bytes, protocol, false);
        }

        Uploads[id] = (bytes, protocol, true);
        await Results.Json(new JsonObject { ["bytes"] = bytes, ["protocol"] = protocol, ["complete"] = true }).ExecuteAsync(http);
    }

    /// <summary>
    /// Lifts Kestrel's minimum body data rate (240 B/s after 5 s) for this request: a Go server has none, so a slow or
    /// paused body is cut only by a proxy in front, the thing a test of that proxy is about.
    /// </summary>
    private static void TakeBodyAtAnyPace(HttpContext http)
    {
        http.Features.Get<IHttpMinRequestBodyDataRateFeature>()?.MinDataRate = null;
    }

    private static Task EchoRequestAsync(HttpContext http)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        var body = new JsonObject
        {
            ["pod"] = Environment.GetEnvironmentVariable("POD_NAME"),
            ["namespace"] = Environment.GetEnvironmentVariable("POD_NAMESPACE"),
            ["method"] = http.Request.Method,
            ["path"] = http.Request.Path.Value,
            ["query"] = http.Request.QueryString.Value,
            ["scheme"] = http.Request.Scheme,
            ["protocol"] = http.Request.Protocol,
            ["headers"] = headers,
            ["clientCertificate"] = http.Connection.ClientCertificate?.Subject,
        };
        return Results.Json(body).ExecuteAsync(http);
    }

    private static async Task EchoWebSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }

        // Which protocol the upgrade came over (HTTP/1.1, or HTTP/2's extended CONNECT), in the handshake's answer.
        http.Response.Headers["X-Request-Protocol"] = http.Request.Protocol;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, http.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, http.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, http.RequestAborted);
        }
    }
}
