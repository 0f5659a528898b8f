using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>What <c>workload web</c> answers: echoes, bulk bytes, redirects, an HTML page with links, a WebSocket echo.</summary>
internal static class WebRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => "ok");
        app.MapMethods("/echo", ["POST", "PUT"], async http =>
        {
            http.Response.ContentType = http.Request.ContentType ?? "application/octet-stream";
            await http.Request.Body.CopyToAsync(http.Response.Body, http.RequestAborted);
        });
        app.MapGet("/bytes", async http =>
        {
            var count = long.TryParse(http.Request.Query["n"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1024;
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = count;
            var block = new byte[64 * 1024];
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = (byte)(i * 31 + 7);
            }

            for (long sent = 0; sent < count; sent += block.Length)
            {
                await http.Response.Body.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, count - sent)), http.RequestAborted);
            }
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
        app.Map("/ws", EchoWebSocketAsync);
        app.MapFallback(EchoRequestAsync);
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
