using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// The one place every upstream request head passes before it is written (API server, kubelets, workloads): a header
/// name that is not a token, a value with CR, LF, NUL or another control character, or a request target with
/// anything but escaped text is refused and logged, whatever built the request. HttpClient writes header values it
/// was given without validation as they are, so without this a value from a client, a certificate or a workload
/// could end the line and start another header, or a second request on the gateway's own credentials.
/// </summary>
internal sealed partial class UpstreamRequestGuard(string upstream, ILogger logger) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request) is { } problem)
        {
            Refused(logger, upstream, request.Method.Method, problem);
            throw new UpstreamRequestRefusedException($"the request cannot be sent on: {problem}");
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("upstream requests are sent asynchronously");

    /// <summary>Null when the request head can be written as it is; otherwise what is wrong, naming the header but not its value.</summary>
    public static string? Problem(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.RequestUri?.PathAndQuery ?? "";
        foreach (var c in target)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                return "the request target contains a character that must be escaped";
            }
        }

        if (request.Version.Major >= 3 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher)
        {
            return "HTTP/3 is not spoken to upstreams"; // its connections would not come from the gateway's verified connect step
        }

        if (HeaderText.NameProblem(request.Method.Method) is not null)
        {
            return "the method is not a token";
        }

        return HeadersProblem(request.Headers.NonValidated) ?? (request.Content is null ? null : HeadersProblem(request.Content.Headers.NonValidated));
    }

    private static string? HeadersProblem(System.Net.Http.Headers.HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            if (HeaderText.NameProblem(name) is { } nameProblem)
            {
                return $"a header name {nameProblem}";
            }

            foreach (var value in values)
            {
                if (HeaderText.ValueProblem(value) is { } valueProblem)
                {
                    return $"the value of header {name} {valueProblem}";
                }
            }
        }

        return null;
    }

    [LoggerMessage(EventIds.UpstreamRequestRefused, LogLevel.Warning, "Refused to send a {Method} request to the {Upstream}: {Problem}")]
    private static partial void Refused(ILogger logger, string upstream, string method, string problem);
}
