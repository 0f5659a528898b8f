using ApiProxyGateway.Kubernetes;
using Microsoft.AspNetCore.Http.Features;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Requests;

internal static partial class RequestClassification
{
    /// <summary>
    /// Classifies every API request from its raw target (<see cref="RequestClassifier"/>) and stores the result as a
    /// feature; a request that cannot be classified unambiguously is answered with a Status here and goes no further.
    /// Not an async step: a classified request's next step is returned as it is (no state machine per request).
    /// </summary>
    public static IApplicationBuilder UseRequestClassification(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var request = context.Features.GetRequiredFeature<IHttpRequestFeature>();
            var target = request.RawTarget;
            RequestRefusal? refusal = null;
            var query = GoQuery.Parse(request.QueryString, out var queryRefusal);
            if (query is null)
            {
                refusal = RequestRefusal.BadRequest(queryRefusal!);
            }
            else
            {
                context.Features.Set<IQueryFeature>(new GoQuery.Feature(query));
            }

            if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true })
            {
                // An HTTP/2 CONNECT with :protocol (RFC 8441, WebSockets over HTTP/2): kube-apiserver's Go server does not
                // accept it, and it has no method kube-apiserver would classify (YARP would send it on as a GET upgrade).
                refusal = RequestRefusal.BadRequest("WebSockets over HTTP/2 (an extended CONNECT) are not served; connect over HTTP/1.1, as kubectl and client-go do");
            }

            var classified = refusal is null ? RequestClassifier.Classify(context.Request.Method, target, Query, out refusal) : null;
            if (classified is null)
            {
                var refused = refusal!; // Classify returns either a classification or a refusal
                Refused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway.Requests"), context.Request.Method, target, refused.Message);
                return KubernetesStatus.WriteAsync(context, refused.Code, refused.Reason, refused.Message);
            }

            context.Features.Set(classified);
            return next(context);

            // Go's first value of an exactly named parameter, as the API server's conversion reads it.
            string? Query(string name) => query!.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
        });

    /// <summary>Maps a gateway route: requests classified as <paramref name="route"/> go to <paramref name="handler"/>, all others on.</summary>
    public static IApplicationBuilder MapRoute(this IApplicationBuilder app, RouteKind route, RequestDelegate handler) =>
        app.Use(next => context => context.Classified().Route == route ? handler(context) : next(context));

    [LoggerMessage(EventIds.RequestRefused, LogLevel.Information, "Refused {Method} {Target}: {Reason}")]
    private static partial void Refused(ILogger logger, string method, string target, string reason);
}
