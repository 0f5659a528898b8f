using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>
/// What <c>workload hostile</c> answers: a workload that tries to misuse its proxy. It records the head of every
/// request it receives, so a test can see whether anything arrived that the client did not ask for (a smuggled
/// second request, an injected header); <see cref="HostileWorkload"/>'s raw listener records into the same list.
/// </summary>
internal static class HostileRoutes
{
    private const int MaxRecorded = 200;

    private static readonly ConcurrentQueue<JsonObject> Received = new();

    public static void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var headers = new JsonObject();
            foreach (var (name, values) in http.Request.Headers)
            {
                headers[name] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]);
            }

            Add(http.Request.Method, http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget, headers);
            await next(http);
        });
        app.MapGet("/requests", () => Results.Json(new JsonArray([.. Received.Select(r => r.DeepClone())])));
        WebRoutes.Map(app);
    }

    /// <summary>Records a request head the raw listener read (request line, then header lines).</summary>
    public static void Record(string head)
    {
        var lines = head.Split("\r\n");
        var headers = new JsonObject();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim();
                var values = headers[name] as JsonArray ?? [];
                values.Add(line[(colon + 1)..].Trim());
                headers[name] = values;
            }
        }

        var parts = lines[0].Split(' ', 3);
        Add(parts[0], parts.Length > 1 ? parts[1] : "", headers);
    }

    private static void Add(string method, string target, JsonObject headers)
    {
        Received.Enqueue(new JsonObject { ["method"] = method, ["target"] = target, ["headers"] = headers });
        while (Received.Count > MaxRecorded && Received.TryDequeue(out _))
        {
        }
    }
}
