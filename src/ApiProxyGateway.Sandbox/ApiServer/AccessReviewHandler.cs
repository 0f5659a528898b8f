using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// authorization.k8s.io/v1 SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and
/// SelfSubjectRulesReview, and authentication.k8s.io/v1 SelfSubjectReview, answered from the same RBAC as every request.
/// </summary>
internal sealed class AccessReviewHandler(ApiServerContext context)
{
    public async Task CreateAsync(HttpContext http, RequestInfo info, ResourceType type, UserInfo requester)
    {
        var (body, error) = await RequestBodies.ReadObjectAsync(http.Request);
        if (body is null)
        {
            await ApiResponses.BadRequestAsync(http, error!); // ! ReadObjectAsync returns an error whenever the body is null
            return;
        }

        if (type == ResourceCatalog.SelfSubjectReviews)
        {
            await RespondAsync(http, type, body, new JsonObject { ["userInfo"] = UserInfoJson(requester) });
            return;
        }

        if (type == ResourceCatalog.SelfSubjectRulesReviews)
        {
            await RespondAsync(http, type, body, RulesReview(requester, body["spec"]?["namespace"]?.GetValue<string>() ?? ""));
            return;
        }

        var spec = body["spec"] as JsonObject ?? [];
        var user = type == ResourceCatalog.SelfSubjectAccessReviews ? requester : SubjectOf(spec);
        if (user is null)
        {
            await ApiResponses.InvalidAsync(http, type, "", "spec.user", "Invalid value: \"\": at least one of user or group must be specified");
            return;
        }

        if (type == ResourceCatalog.LocalSubjectAccessReviews
            && spec["resourceAttributes"]?["namespace"]?.GetValue<string>() is { } reviewNamespace && reviewNamespace != info.Namespace)
        {
            await ApiResponses.InvalidAsync(http, type, "", "spec.resourceAttributes.namespace", $"Invalid value: \"{reviewNamespace}\": must match metadata.namespace");
            return;
        }

        if (Attributes(spec, user) is not { } attributes)
        {
            await ApiResponses.InvalidAsync(http, type, "", "spec.resourceAttributes", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified");
            return;
        }

        var decision = context.Authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        await RespondAsync(http, type, body, status);
    }

    private JsonObject RulesReview(UserInfo user, string @namespace)
    {
        var (rules, errors) = context.Authorizer.RulesFor(user, @namespace);
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in rules)
        {
            if (rule.NonResourceURLs is { Count: > 0 })
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Strings(rule.Verbs), ["nonResourceURLs"] = Strings(rule.NonResourceURLs) });
            }
            else
            {
                var json = new JsonObject { ["verbs"] = Strings(rule.Verbs), ["apiGroups"] = Strings(rule.ApiGroups), ["resources"] = Strings(rule.Resources) };
                if (rule.ResourceNames is { Count: > 0 })
                {
                    json["resourceNames"] = Strings(rule.ResourceNames);
                }

                resourceRules.Add(json);
            }
        }

        var status = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = errors.Count > 0 };
        if (errors.Count > 0)
        {
            status["evaluationError"] = string.Join(", ", errors);
        }

        return status;
    }

    private static UserInfo? SubjectOf(JsonObject spec)
    {
        var name = spec["user"]?.GetValue<string>() ?? "";
        var groups = (spec["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").Where(g => g.Length > 0).ToList();
        if (name.Length == 0 && groups.Count == 0)
        {
            return null;
        }

        var extra = (spec["extra"] as JsonObject ?? []).ToDictionary(
            e => e.Key,
            e => (IReadOnlyList<string>)[.. (e.Value as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "")]);
        return new UserInfo(name, groups, spec["uid"]?.GetValue<string>() ?? "", extra);
    }

    private static AuthorizationAttributes? Attributes(JsonObject spec, UserInfo user)
    {
        var resource = spec["resourceAttributes"] as JsonObject;
        var nonResource = spec["nonResourceAttributes"] as JsonObject;
        if ((resource is null) == (nonResource is null))
        {
            return null;
        }

        string Field(JsonObject obj, string name) => obj[name]?.GetValue<string>() ?? "";
        return resource is not null
            ? new AuthorizationAttributes
            {
                User = user,
                IsResourceRequest = true,
                Verb = Field(resource, "verb"),
                Namespace = Field(resource, "namespace"),
                ApiGroup = Field(resource, "group"),
                ApiVersion = Field(resource, "version"),
                Resource = Field(resource, "resource"),
                Subresource = Field(resource, "subresource"),
                Name = Field(resource, "name"),
            }
            : new AuthorizationAttributes { User = user, Verb = Field(nonResource!, "verb"), Path = Field(nonResource!, "path") }; // ! exactly one is set
    }

    private static async Task RespondAsync(HttpContext http, ResourceType type, JsonObject body, JsonObject status)
    {
        var response = (JsonObject)body.DeepClone();
        response["kind"] = type.Kind;
        response["apiVersion"] = type.ApiVersion;
        response["metadata"] ??= new JsonObject();
        response["status"] = status;
        await ApiResponses.WriteJsonAsync(http, 201, response);
    }

    private static JsonObject UserInfoJson(UserInfo user) => new()
    {
        ["username"] = user.Name,
        ["uid"] = user.Uid.Length > 0 ? user.Uid : null,
        ["groups"] = Strings(user.Groups),
        ["extra"] = user.Extra.Count > 0 ? new JsonObject(user.Extra.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)Strings(e.Value)))) : null,
    };

    private static JsonArray Strings(IEnumerable<string>? values) => new([.. (values ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);
}
