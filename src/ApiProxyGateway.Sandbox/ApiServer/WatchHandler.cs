using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Selectors;
using ApiProxyGateway.Sandbox.Store;
using k8s;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// <c>?watch=true</c>: newline-delimited watch events, flushed one by one, open until timeoutSeconds (default 30 min),
/// client disconnect or server stop. resourceVersion "" / "0" starts with synthetic ADDED events for what exists;
/// a number resumes after it (ERROR 410 Expired when compacted); sendInitialEvents=true ends the initial events
/// with the k8s.io/initial-events-end bookmark; allowWatchBookmarks adds periodic BOOKMARK events.
/// </summary>
internal sealed class WatchHandler(ApiServerContext context)
{
    public async Task WatchAsync(HttpContext http, RequestInfo info, ResourceType type, CancellationToken stopping)
    {
        var query = http.Request.Query;
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(query["labelSelector"]);
            fields = FieldSelector.Parse(query["fieldSelector"], type);
        }
        catch (SelectorParseException e)
        {
            await ApiResponses.BadRequestAsync(http, e.Message);
            return;
        }

        var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : context.DefaultWatchTimeout;
        var requestedVersion = query["resourceVersion"].ToString();
        var sendInitial = IsTrue(query["sendInitialEvents"]) || requestedVersion is "" or "0";
        var bookmarks = IsTrue(query["allowWatchBookmarks"]);
        var table = TableConverter.Requested(http.Request.Headers.Accept);
        var @namespace = type.Namespaced && info.Namespace.Length > 0 ? info.Namespace : null;
        bool Selected(JsonObject obj) => labels.Matches(obj) && fields.Matches(type, obj);

        using var timeoutSource = new CancellationTokenSource(timeout, context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping, timeoutSource.Token);
        var cancellation = linked.Token;

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.StartAsync(cancellation);
        await http.Response.Body.FlushAsync(cancellation); // clients wait for the headers before they report the watch as open

        StoreWatch watch;
        long lastVersion;
        try
        {
            if (sendInitial)
            {
                var (items, listVersion) = context.Store.List(type, @namespace);
                watch = context.Store.Watch(type, @namespace, listVersion);
                foreach (var item in items.Where(Selected))
                {
                    await WriteEventAsync(http, "ADDED", Render(type, item, table, http), cancellation);
                }

                lastVersion = listVersion;
                if (IsTrue(query["sendInitialEvents"]) && bookmarks)
                {
                    await WriteEventAsync(http, "BOOKMARK", Bookmark(type, lastVersion, initialEventsEnd: true), cancellation);
                }
            }
            else
            {
                lastVersion = long.TryParse(requestedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var since) ? since : context.Store.ResourceVersion;
                watch = context.Store.Watch(type, @namespace, lastVersion);
            }
        }
        catch (ResourceStoreException e)
        {
            await WriteEventAsync(http, "ERROR", ApiResponses.Status(e.StatusCode, e.Reason, e.Message), cancellation);
            return;
        }

        using (watch)
        {
            await http.Response.Body.FlushAsync(cancellation);
            await PumpAsync(http, type, watch, Selected, table, bookmarks, lastVersion, cancellation);
        }
    }

    private async Task PumpAsync(HttpContext http, ResourceType type, StoreWatch watch, Func<JsonObject, bool> selected, bool table, bool bookmarks, long lastVersion, CancellationToken cancellation)
    {
        // Step by step: wait for events or the bookmark interval; write what arrived; flush once per batch.
        // Ends (normally) on timeout, disconnect or server stop, which all cancel the token.
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                pending ??= watch.Events.WaitToReadAsync(cancellation).AsTask();
                var tick = Task.Delay(context.BookmarkInterval, context.TimeProvider, cancellation);
                if (await Task.WhenAny(pending, tick) != pending)
                {
                    await tick; // throws when cancelled
                    if (bookmarks)
                    {
                        await WriteEventAsync(http, "BOOKMARK", Bookmark(type, lastVersion, initialEventsEnd: false), cancellation);
                        await http.Response.Body.FlushAsync(cancellation);
                    }

                    continue;
                }

                if (!await pending)
                {
                    return;
                }

                pending = null;
                while (watch.Events.TryRead(out var change))
                {
                    lastVersion = change.ResourceVersion;
                    if (selected(change.Resource))
                    {
                        await WriteEventAsync(http, EventType(change.Type), Render(type, change.Resource, table, http), cancellation);
                    }
                }

                await http.Response.Body.FlushAsync(cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // the watch's normal end
        }
    }

    private JsonObject Render(ResourceType type, JsonObject obj, bool table, HttpContext http) =>
        table
            ? TableConverter.Convert(type, [obj], obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", http.Request.Query["includeObject"], context.TimeProvider.GetUtcNow())
            : obj;

    private static JsonObject Bookmark(ResourceType type, long version, bool initialEventsEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata };
    }

    private static string EventType(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    private static async Task WriteEventAsync(HttpContext http, string type, JsonObject obj, CancellationToken cancellation)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj };
        await using (var writer = new Utf8JsonWriter(http.Response.Body))
        {
            line.WriteTo(writer);
        }

        await http.Response.Body.WriteAsync("\n"u8.ToArray(), cancellation);
    }

    /// <summary>A query bool as apimachinery's conversion reads it (strconv.ParseBool's true forms).</summary>
    private static bool IsTrue(string? value) => value is "true" or "1" or "t" or "T" or "TRUE" or "True";
}
