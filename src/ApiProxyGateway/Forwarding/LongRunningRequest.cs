namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Recognises the requests kube-apiserver treats as long-running: watches (<c>watch=true</c> or the legacy
/// <c>/watch/</c> paths), followed logs, and upgraded streams. They get the long idle timeout.
/// </summary>
internal static class LongRunningRequest
{
    public static bool Matches(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsTrue(request.Query["watch"])
            || IsTrue(request.Query["follow"])
            || request.Path.Value?.Contains("/watch/", StringComparison.Ordinal) == true
            || request.Headers.Upgrade.Count > 0;
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count > 0 && (values[0] is "1" || string.Equals(values[0], "true", StringComparison.OrdinalIgnoreCase));
}
