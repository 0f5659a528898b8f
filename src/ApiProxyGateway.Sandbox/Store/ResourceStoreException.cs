namespace ApiProxyGateway.Sandbox.Store;

/// <summary>A store operation failed the way kube-apiserver would fail it; the message is kube-apiserver's text.</summary>
public sealed class ResourceStoreException : Exception
{
    public ResourceStoreException()
    {
    }

    public ResourceStoreException(string message)
        : base(message)
    {
    }

    public ResourceStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ResourceStoreException(int statusCode, string reason, string message, string groupResource, string name)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        GroupResource = groupResource;
        Name = name;
    }

    /// <summary>The HTTP status kube-apiserver answers with (404, 409, 410 …).</summary>
    public int StatusCode { get; }

    /// <summary>The <c>metav1.Status</c> reason (<c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Expired</c>).</summary>
    public string Reason { get; } = "";

    public string GroupResource { get; } = "";

    public string Name { get; } = "";

    internal static ResourceStoreException NotFound(string groupResource, string name) =>
        new(404, "NotFound", $"{groupResource} \"{name}\" not found", groupResource, name);

    internal static ResourceStoreException AlreadyExists(string groupResource, string name) =>
        new(409, "AlreadyExists", $"{groupResource} \"{name}\" already exists", groupResource, name);

    internal static ResourceStoreException Conflict(string groupResource, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {groupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", groupResource, name);

    internal static ResourceStoreException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})", "", "");
}
