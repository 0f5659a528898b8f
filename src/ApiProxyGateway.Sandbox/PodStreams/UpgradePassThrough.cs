using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Streaming;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// kube-apiserver's UpgradeAwareHandler for pod streams: the client's upgrade goes to the kubelet unchanged; after the
/// kubelet's 101 the bytes are copied both ways, any other answer is passed back and nothing is tunnelled.
/// </summary>
internal static class UpgradePassThrough
{
    private static readonly string[] ReturnedHeaders = ["Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version", "X-Accepted-Stream-Protocol-Versions"];

    public static async Task RunAsync(HttpContext http, HttpMessageInvoker invoker, Uri uri, Uri kubelet)
    {
        if (!UpgradeRequest.IsUpgradable(http.Request))
        {
            await ApiResponses.BadRequestAsync(http, "Upgrade request required");
            return;
        }

        HttpResponseMessage response;
        try
        {
            response = await KubeletUpgrade.PassThroughAsync(invoker, http, uri);
        }
        catch (HttpRequestException e)
        {
            await ApiResponses.WriteStatusAsync(http, 500, "InternalError", $"error dialing backend: {KubeletErrors.Describe(e, kubelet)}");
            return;
        }

        using (response)
        {
            CopyHeaders(response, http);
            if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
            {
                http.Response.StatusCode = (int)response.StatusCode;
                http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
                await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
                return;
            }

            var upstream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            http.Response.Headers.Connection = "Upgrade";
            http.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
            var client = await http.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync(); // ! checked IsUpgradable above
            await DuplexRelay.RunAsync(client, upstream, CancellationToken.None);
        }
    }

    private static void CopyHeaders(HttpResponseMessage response, HttpContext http)
    {
        foreach (var name in ReturnedHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }
    }
}
