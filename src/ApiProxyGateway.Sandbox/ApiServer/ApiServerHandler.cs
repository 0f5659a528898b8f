using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// The simulated kube-apiserver's request pipeline, in kube-apiserver's filter order: authentication (client
/// certificate), request log, impersonation, request info, authorization (RBAC), then the handler for the path.
/// </summary>
internal sealed class ApiServerHandler(ApiServerContext context, ClientCertificateAuthenticator authenticator, ILogger logger)
{
    private readonly Impersonation _impersonation = new(context.Authorizer);
    private readonly ResourceHandler _resources = new(context);
    private readonly WatchHandler _watches = new(context);
    private readonly AccessReviewHandler _reviews = new(context);

    public async Task HandleAsync(HttpContext http, CancellationToken stopping)
    {
        var request = http.Request;
        var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[.. h.Value.Select(v => v ?? "")], StringComparer.OrdinalIgnoreCase);
        var authenticated = authenticator.Authenticate(certificate);
        request.Headers.Remove("Authorization"); // kube-apiserver never passes credentials on to handlers

        var impersonation = authenticated is null ? null : _impersonation.Apply(request, authenticated);
        var entry = new RequestLogEntry
        {
            Time = context.TimeProvider.GetUtcNow(),
            Method = request.Method,
            PathAndQuery = http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
            Protocol = request.Protocol,
            Headers = headers,
            ClientCertificateSubject = certificate?.Subject,
            AuthenticatedUser = authenticated,
            EffectiveUser = impersonation?.User,
        };
        context.RequestLog.Add(entry);
        http.Response.OnCompleted(() =>
        {
            entry.StatusCode = http.Response.StatusCode;
            return Task.CompletedTask;
        });

        if (authenticated is null || impersonation is null)
        {
            ApiServerLog.Unauthenticated(logger, request.Method, request.Path, certificate?.Subject);
            await ApiResponses.UnauthorizedAsync(http);
            return;
        }

        if (impersonation.Error is { } impersonationError)
        {
            await ApiResponses.WriteStatusAsync(http, 500, "InternalError", $"Internal error occurred: {impersonationError}");
            return;
        }

        if (impersonation.User is not { } user)
        {
            await ApiResponses.ForbiddenAsync(http, impersonation.Denied!, impersonation.DeniedReason); // ! set whenever User is null without Error
            return;
        }

        // As kube-apiserver: the percent-decoded request path (encoded slashes become separators), not ASP.NET's reading.
        RequestInfo info;
        try
        {
            var target = http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            var path = UrlPath.Decode(target.Split('?', 2)[0]);
            info = RequestInfoFactory.Create(request.Method, path, name => request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null);
        }
        catch (FormatException e)
        {
            await ApiResponses.WriteStatusAsync(http, 400, "BadRequest", e.Message);
            return;
        }

        var decision = context.Authorizer.Authorize(info.ToAttributes(user));
        if (!decision.Allowed)
        {
            ApiServerLog.Forbidden(logger, user.Name, info.Verb, info.Path);
            await ApiResponses.ForbiddenAsync(http, info.ToAttributes(user), decision.Reason);
            return;
        }

        await (info.IsResourceRequest ? ServeResourceAsync(http, info, user, stopping) : ServeNonResourceAsync(http, info));
    }

    private Task ServeNonResourceAsync(HttpContext http, RequestInfo info)
    {
        var path = info.Path.TrimEnd('/');
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (http.Request.Method is not ("GET" or "HEAD"))
        {
            return ApiResponses.MethodNotAllowedAsync(http);
        }

        return parts switch
        {
            ["version"] => ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.Version()),
            ["healthz" or "livez" or "readyz", ..] => WriteTextAsync(http, "ok"),
            ["api"] => ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.ApiVersions(context.Plan.ApiServerEndPoint.ToString())),
            ["apis"] => ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.ApiGroupList()),
            ["api", var version] => Document(http, DiscoveryDocuments.ResourceList("", version)),
            ["apis", var group] => Document(http, DiscoveryDocuments.ApiGroup(group)),
            ["apis", var group, var version] => Document(http, DiscoveryDocuments.ResourceList(group, version)),
            _ => ApiResponses.NotFoundAsync(http),
        };
    }

    private Task ServeResourceAsync(HttpContext http, RequestInfo info, UserInfo user, CancellationToken stopping)
    {
        if (ResourceCatalog.Find(info.ApiGroup, info.ApiVersion, info.Resource) is not { } type
            || (!type.Namespaced && info.Namespace.Length > 0 && type != ResourceCatalog.Namespaces))
        {
            return ApiResponses.NotFoundAsync(http);
        }

        if (type.ReviewOnly)
        {
            return info.Verb == "create" ? _reviews.CreateAsync(http, info, type, user) : ApiResponses.MethodNotAllowedAsync(http);
        }

        var @namespace = type == ResourceCatalog.Namespaces ? "" : info.Namespace;
        info = info with { Namespace = @namespace };
        if (info.Subresource.Length > 0 && info.Subresource != "status")
        {
            return ServeSubresourceAsync(http, info, type, user);
        }

        if (!type.Modeled && info.Verb is not ("get" or "list" or "watch"))
        {
            return ApiResponses.MethodNotAllowedAsync(http);
        }

        var needsNamespace = type.Namespaced && info.Verb is "get" or "create" or "update" or "patch" or "delete";
        if (needsNamespace && @namespace.Length == 0)
        {
            return ApiResponses.NotFoundAsync(http);
        }

        return info.Verb switch
        {
            "get" => _resources.GetAsync(http, info, type),
            "list" => _resources.ListAsync(http, info, type),
            "watch" => _watches.WatchAsync(http, info, type, stopping),
            "create" when info.Name.Length == 0 => _resources.CreateAsync(http, info, type),
            "update" => _resources.UpdateAsync(http, info, type),
            "patch" => _resources.PatchAsync(http, info, type),
            "delete" => _resources.DeleteAsync(http, info, type),
            "deletecollection" => _resources.DeleteCollectionAsync(http, info, type),
            _ => ApiResponses.MethodNotAllowedAsync(http),
        };
    }

    private Task ServeSubresourceAsync(HttpContext http, RequestInfo info, ResourceType type, UserInfo user)
    {
        var key = $"{type.Plural}/{info.Subresource}";
        if (!type.Subresources.Contains(info.Subresource))
        {
            return ApiResponses.NotFoundAsync(http);
        }

        if (!context.Subresources.TryGetValue(key, out var handler))
        {
            return ApiResponses.WriteStatusAsync(http, 503, "ServiceUnavailable", $"the sandbox does not serve {key} yet");
        }

        var remaining = string.Join('/', info.Parts.Skip(3));
        return handler(http, new SubresourceRequest(info.Namespace, type.Plural, info.Name, info.Subresource, remaining, user));
    }

    private static Task Document(HttpContext http, System.Text.Json.Nodes.JsonObject? document) =>
        document is null ? ApiResponses.NotFoundAsync(http) : ApiResponses.WriteJsonAsync(http, 200, document);

    private static async Task WriteTextAsync(HttpContext http, string text)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.XContentTypeOptions = new StringValues("nosniff");
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

}
