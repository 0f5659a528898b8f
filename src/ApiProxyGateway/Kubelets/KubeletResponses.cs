using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Kubelets;

/// <summary>Turns what went wrong with a kubelet into the Status the user sees.</summary>
internal static class KubeletResponses
{
    private const int MaxErrorBody = 16 * 1024;

    /// <summary>A non-success answer from the kubelet, as kube-apiserver's response checker reports it.</summary>
    public static async Task WriteErrorAsync(HttpContext context, KubeletTarget target, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(response);
        var code = (int)response.StatusCode;
        if (code is >= 300 and < 400)
        {
            // CVE-2020-8559: a redirect from a node is never followed, and never handed to the client.
            await KubernetesStatus.BadGatewayAsync(context, $"the {target.Display} attempted to redirect this request, which is not permitted");
            return;
        }

        var body = await ReadBodyAsync(response, context.RequestAborted);
        var message = MessageOf(body);
        if (response.StatusCode == HttpStatusCode.Forbidden && ProtocolRefusal(response, body) is { } refused)
        {
            // Not about anyone's identity: the kubelet speaks none of the stream protocols the client offered.
            // kube-apiserver hands this 403 on as it is; it is named for what it is here.
            await KubernetesStatus.WriteAsync(context, KubernetesStatus.Failure(code, "Forbidden", $"the {target.Display} speaks none of the {refused}"));
            return;
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // The kubelet judged the gateway's own certificate, not the user: an operator has to act.
            await KubernetesStatus.BadGatewayAsync(context, $"the {target.Display} did not accept the gateway's kubelet client certificate ({code}): {message}");
            return;
        }

        await KubernetesStatus.WriteAsync(context, KubernetesStatus.Failure(code, ReasonFor(response.StatusCode), message));
    }

    /// <summary>
    /// A kubelet answers 403 both when its authorizer refuses the gateway (body <c>Forbidden (user=…</c>) and when a
    /// stream's protocol cannot be agreed. Only the two refusals Kubernetes writes count as the latter: SPDY's names what
    /// it accepts in <c>X-Accepted-Stream-Protocol-Versions</c>, and x/net/websocket refuses a WebSocket handshake with an
    /// empty body. What the gateway sent decides which applies, never what the client sent. Returns what was refused,
    /// or null.
    /// </summary>
    private static string? ProtocolRefusal(HttpResponseMessage response, string body)
    {
        var upgrade = response.RequestMessage?.Headers.TryGetValues("Upgrade", out var values) == true ? values.FirstOrDefault() : null;
        if (string.Equals(upgrade, StreamProtocols.SpdyUpgrade, StringComparison.OrdinalIgnoreCase) && response.Headers.Contains(StreamProtocols.AcceptedProtocolVersionsHeader))
        {
            return $"stream protocol versions the client offered ({MessageOf(body)})";
        }

        return string.Equals(upgrade, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase) && body.Length == 0
            ? "WebSocket sub-protocols the client offered"
            : null;
    }

    /// <summary>A connection that could not be made, naming the node and the precise reason.</summary>
    public static Task WriteConnectFailureAsync(HttpContext context, UpstreamConnectException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var (code, reason) = failure.Failure switch
        {
            UpstreamFailure.Timeout => (StatusCodes.Status504GatewayTimeout, "Timeout"),
            UpstreamFailure.EgressUnavailable => (StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable"),
            _ => (StatusCodes.Status502BadGateway, "BadGateway"),
        };
        return KubernetesStatus.WriteAsync(context, KubernetesStatus.Failure(code, reason, $"error dialing the {failure.Target}: {failure.Reason}"));
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorBody];
        var total = 0;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total).Trim();
    }

    private static string MessageOf(string body)
    {
        if (body.StartsWith('{'))
        {
            try
            {
                if (JsonNode.Parse(body) is JsonObject status && (string?)status["message"] is { Length: > 0 } message)
                {
                    return message;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a Status after all: show the text.
            }
        }

        return body.Length == 0 ? "the kubelet gave no reason" : body;
    }

    private static string ReasonFor(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => "BadRequest",
        HttpStatusCode.NotFound => "NotFound",
        HttpStatusCode.MethodNotAllowed => "MethodNotAllowed",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.UnprocessableEntity => "Invalid",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        HttpStatusCode.GatewayTimeout => "Timeout",
        _ => "InternalError",
    };
}
