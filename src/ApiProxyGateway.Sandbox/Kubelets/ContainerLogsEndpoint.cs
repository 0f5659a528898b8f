using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>GET /containerLogs/NS/POD/CONTAINER</c> as the kubelet serves it: 400 for an undecodable query, 422 for invalid
/// options, 404 for an unknown pod or container, 400 when there is no previous instance; otherwise chunked text,
/// flushed per write, following the running instance until it ends when <c>follow</c> is set.
/// </summary>
internal sealed class ContainerLogsEndpoint(NodeRuntime runtime, TimeProvider timeProvider)
{
    public async Task HandleAsync(HttpContext http, KubeletRoute route)
    {
        if (http.Request.Method != "GET")
        {
            await KubeletResponses.TextAsync(http, 405, "405: Method Not Allowed");
            return;
        }

        var parsed = LogOptions.Parse(name => http.Request.Query.TryGetValue(name, out var v) ? v[0] : null);
        if (parsed.IsUndecodable)
        {
            await KubeletResponses.TextAsync(http, 400, """{"message": "Unable to decode query."}""");
            return;
        }

        if (parsed.Options is not { } options)
        {
            await KubeletResponses.TextAsync(http, 422, """{"message": "Invalid request."}""");
            return;
        }

        if (runtime.Find(route.Namespace, route.Pod) is not { } pod)
        {
            await KubeletResponses.TextAsync(http, 404, $"pod \"{route.Pod}\" does not exist");
            return;
        }

        if (!pod.Containers.TryGetValue(route.Container, out var container))
        {
            await KubeletResponses.TextAsync(http, 404, $"container \"{route.Container}\" not found in pod \"{route.Pod}\"");
            return;
        }

        if (container.LogFor(options.Previous) is not { } log)
        {
            var problem = options.Previous
                ? $"previous terminated container \"{route.Container}\" in pod \"{route.Pod}\" not found"
                : $"container \"{route.Container}\" in pod \"{route.Pod}\" is waiting to start: ContainerCreating";
            await KubeletResponses.TextAsync(http, 400, problem);
            return;
        }

        http.Response.ContentType = "text/plain";
        // Chunked from here on, like the kubelet's flushwriter; the headers go now (a real kubelet sends them with the
        // first log bytes), so a followed log of a quiet container shows whether each hop passes them on at once.
        await http.Response.Body.FlushAsync(http.RequestAborted);
        await StreamAsync(http, log, options);
    }

    private async Task StreamAsync(HttpContext http, ContainerLog log, LogOptions options)
    {
        var body = http.Response.Body;
        var remaining = options.LimitBytes ?? long.MaxValue;
        var now = timeProvider.GetUtcNow();
        var snapshot = log.Read();
        IEnumerable<LogLine> lines = LogSelection.Initial(snapshot.Lines, options, now);
        while (true)
        {
            foreach (var line in lines)
            {
                var bytes = LogSelection.Format(line, options.Timestamps);
                var count = (int)Math.Min(bytes.Length, remaining);
                await body.WriteAsync(bytes.AsMemory(0, count), http.RequestAborted);
                await body.FlushAsync(http.RequestAborted);
                remaining -= count;
                if (remaining <= 0)
                {
                    return;
                }
            }

            if (!options.Follow || snapshot.Complete)
            {
                return;
            }

            try
            {
                await snapshot.Changed.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            snapshot = log.Read(snapshot.Next);
            lines = LogSelection.Since(snapshot.Lines, options, now);
        }
    }
}
