using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Selectors;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>get, list, create, update, patch, delete and deletecollection on stored resources (and their status).</summary>
internal sealed class ResourceHandler(ApiServerContext context)
{
    public async Task GetAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        if (context.Store.Get(type, info.Namespace, info.Name) is not { } found)
        {
            await ApiResponses.StoreErrorAsync(http, ResourceStoreException.NotFound(type.GroupResource, info.Name), type);
            return;
        }

        await WriteObjectsAsync(http, type, found, null, found["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
    }

    public async Task ListAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(http.Request.Query["labelSelector"]);
            fields = FieldSelector.Parse(http.Request.Query["fieldSelector"], type);
        }
        catch (SelectorParseException e)
        {
            await ApiResponses.BadRequestAsync(http, e.Message);
            return;
        }

        var (items, version) = context.Store.List(type, type.Namespaced && info.Namespace.Length > 0 ? info.Namespace : null);
        var selected = items.Where(i => labels.Matches(i) && fields.Matches(type, i)).ToList();
        await WriteObjectsAsync(http, type, null, selected, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task CreateAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        var (body, error) = await RequestBodies.ReadObjectAsync(http.Request);
        if (body is null)
        {
            await ApiResponses.BadRequestAsync(http, error!); // ! ReadObjectAsync returns an error whenever the body is null
            return;
        }

        if (await PrepareAsync(http, info, type, body) is not { } valid)
        {
            return;
        }

        var name = valid["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0 && valid["metadata"]?["generateName"]?.GetValue<string>() is not { Length: > 0 })
        {
            await ApiResponses.InvalidAsync(http, type, "", "metadata.name", "Required value: name or generateName is required");
            return;
        }

        await MutateAsync(http, type, 201, () => IsDryRun(http) ? valid : context.Store.Create(type, valid));
    }

    public async Task UpdateAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        var (body, error) = await RequestBodies.ReadObjectAsync(http.Request);
        if (body is null)
        {
            await ApiResponses.BadRequestAsync(http, error!); // ! as above
            return;
        }

        if (body["metadata"]?["name"]?.GetValue<string>() is { } bodyName && bodyName != info.Name)
        {
            await ApiResponses.BadRequestAsync(http, $"the name of the object ({bodyName}) does not match the name on the URL ({info.Name})");
            return;
        }

        if (info.Subresource == "status")
        {
            if (context.Store.Get(type, info.Namespace, info.Name) is not { } current)
            {
                await ApiResponses.StoreErrorAsync(http, ResourceStoreException.NotFound(type.GroupResource, info.Name), type);
                return;
            }

            body = WithStatusOf(current, body);
        }

        if (await PrepareAsync(http, info, type, body) is { } valid)
        {
            await MutateAsync(http, type, 200, () => IsDryRun(http) ? valid : context.Store.Update(type, valid));
        }
    }

    public async Task PatchAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        var contentType = http.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal)
            && !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
        {
            await ApiResponses.WriteStatusAsync(http, 415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json");
            return;
        }

        var (patch, error) = await RequestBodies.ReadObjectAsync(http.Request);
        if (patch is null)
        {
            await ApiResponses.BadRequestAsync(http, error!); // ! as above
            return;
        }

        if (context.Store.Get(type, info.Namespace, info.Name) is not { } current)
        {
            await ApiResponses.StoreErrorAsync(http, ResourceStoreException.NotFound(type.GroupResource, info.Name), type);
            return;
        }

        var patched = (JsonObject)JsonMergePatch.Apply(current, patch)!; // ! merging an object patch into an object gives an object
        if (info.Subresource == "status")
        {
            patched = WithStatusOf(current, patched);
        }

        if (await PrepareAsync(http, info, type, patched) is { } valid)
        {
            await MutateAsync(http, type, 200, () => IsDryRun(http) ? valid : context.Store.Update(type, valid));
        }
    }

    public async Task DeleteAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        JsonObject deleted;
        try
        {
            deleted = IsDryRun(http)
                ? context.Store.Get(type, info.Namespace, info.Name) ?? throw ResourceStoreException.NotFound(type.GroupResource, info.Name)
                : context.Store.Delete(type, info.Namespace, info.Name);
        }
        catch (ResourceStoreException e)
        {
            await ApiResponses.StoreErrorAsync(http, e, type);
            return;
        }

        // Pods and namespaces answer with the object (graceful deletion); the generic registry answers with a Status.
        if (type == ResourceCatalog.Pods || type == ResourceCatalog.Namespaces)
        {
            await ApiResponses.WriteJsonAsync(http, 200, deleted);
            return;
        }

        var details = new JsonObject { ["name"] = info.Name, ["kind"] = type.Plural, ["uid"] = deleted["metadata"]?["uid"]?.DeepClone() };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        await ApiResponses.WriteJsonAsync(http, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    public async Task DeleteCollectionAsync(HttpContext http, RequestInfo info, ResourceType type)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(http.Request.Query["labelSelector"]);
            fields = FieldSelector.Parse(http.Request.Query["fieldSelector"], type);
        }
        catch (SelectorParseException e)
        {
            await ApiResponses.BadRequestAsync(http, e.Message);
            return;
        }

        var (items, _) = context.Store.List(type, type.Namespaced && info.Namespace.Length > 0 ? info.Namespace : null);
        var deleted = new JsonArray();
        foreach (var item in items.Where(i => labels.Matches(i) && fields.Matches(type, i)))
        {
            try
            {
                deleted.Add(context.Store.Delete(type, item["metadata"]?["namespace"]?.GetValue<string>(), item["metadata"]?["name"]?.GetValue<string>() ?? ""));
            }
            catch (ResourceStoreException)
            {
                // deleted concurrently: what deletecollection wanted anyway
            }
        }

        await ApiResponses.WriteJsonAsync(http, 200, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = context.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        });
    }

    /// <summary>Fills the namespace from the URL and validates against the model; writes the error and returns null on failure.</summary>
    private static async Task<JsonObject?> PrepareAsync(HttpContext http, RequestInfo info, ResourceType type, JsonObject body)
    {
        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        if (type.Namespaced)
        {
            var bodyNamespace = metadata["namespace"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != info.Namespace)
            {
                await ApiResponses.BadRequestAsync(http, "the namespace of the provided object does not match the namespace sent on the request");
                return null;
            }

            metadata["namespace"] = info.Namespace;
        }

        try
        {
            return ModelValidator.Validate(type, body);
        }
        catch (ModelValidationException e)
        {
            await ApiResponses.BadRequestAsync(http, $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {e.Problem}");
            return null;
        }
    }

    private static async Task MutateAsync(HttpContext http, ResourceType type, int statusCode, Func<JsonObject> mutation)
    {
        try
        {
            await ApiResponses.WriteJsonAsync(http, statusCode, mutation());
        }
        catch (ResourceStoreException e)
        {
            await ApiResponses.StoreErrorAsync(http, e, type);
        }
    }

    private async Task WriteObjectsAsync(HttpContext http, ResourceType type, JsonObject? single, IReadOnlyList<JsonObject>? items, string resourceVersion)
    {
        if (TableConverter.Requested(http.Request.Headers.Accept))
        {
            var table = TableConverter.Convert(type, single is null ? items ?? [] : [single], resourceVersion, http.Request.Query["includeObject"], context.TimeProvider.GetUtcNow());
            await ApiResponses.WriteJsonAsync(http, 200, table);
            return;
        }

        await ApiResponses.WriteJsonAsync(http, 200, single ?? new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["items"] = new JsonArray([.. items ?? []]),
        });
    }

    /// <summary>A status write changes only .status (and may carry a resourceVersion precondition).</summary>
    private static JsonObject WithStatusOf(JsonObject current, JsonObject body)
    {
        var result = (JsonObject)current.DeepClone();
        result["status"] = body["status"]?.DeepClone();
        if (body["metadata"]?["resourceVersion"] is { } version)
        {
            ((JsonObject)result["metadata"]!)["resourceVersion"] = version.DeepClone(); // ! stored objects always have metadata
        }

        return result;
    }

    private static bool IsDryRun(HttpContext http) => http.Request.Query["dryRun"].Count > 0;
}
