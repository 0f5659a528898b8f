using System.Globalization;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Kubelets;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// <c>GET pods/NAME/log</c>: decodes and validates the options (400, 422), then streams the kubelet's
/// <c>/containerLogs</c> answer through (flushed when following); a kubelet error becomes a Status with its code.
/// </summary>
internal sealed class PodLogHandler(ResourceStore store, KubeletClient kubelets)
{
    public async Task HandleAsync(HttpContext http, SubresourceRequest request)
    {
        var parsed = LogOptions.Parse(name => http.Request.Query.TryGetValue(name, out var v) ? v[0] : null);
        if (parsed.IsUndecodable)
        {
            await ApiResponses.BadRequestAsync(http, "the log options could not be decoded");
            return;
        }

        if (parsed.Options is not { } options)
        {
            var (field, value, message) = parsed.Problem!.Value; // ! either Options or Problem is set when decodable
            await ApiResponses.WriteStatusAsync(http, 422, "Invalid", $"PodLogOptions \"{request.Name}\" is invalid: {field}: Invalid value: {value}: {message}");
            return;
        }

        if (await PodTarget.ResolveAsync(http, store, request, needsContainer: true) is not { } target)
        {
            return;
        }

        var uri = target.KubeletUri($"/containerLogs/{target.PodPath}/{PodTarget.Escaped(target.Container)}{Query(options)}");
        using var upstream = new HttpRequestMessage(HttpMethod.Get, uri);
        HttpResponseMessage response;
        try
        {
            response = await kubelets.Invoker.SendAsync(upstream, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await ApiResponses.WriteStatusAsync(http, 500, "InternalError", $"Get \"{uri}\": {KubeletErrors.Describe(e, target.Kubelet)}");
            return;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                await KubeletErrors.WriteResponseAsync(http, response);
                return;
            }

            http.Response.ContentType = "text/plain";
            await http.Response.Body.FlushAsync(http.RequestAborted); // the headers now, as kube-apiserver's StreamObject flushes them
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
    }

    /// <summary>Only the options that are set, as kube-apiserver's LogLocation writes them.</summary>
    private static string Query(LogOptions options)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("follow", options.Follow ? "true" : null);
        Add("previous", options.Previous ? "true" : null);
        Add("timestamps", options.Timestamps ? "true" : null);
        Add("sinceSeconds", options.SinceSeconds?.ToString(CultureInfo.InvariantCulture));
        Add("sinceTime", options.SinceTime?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add("tailLines", options.TailLines?.ToString(CultureInfo.InvariantCulture));
        Add("limitBytes", options.LimitBytes?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
